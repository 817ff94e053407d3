-- Fixed-window counters shared by every instance (src/modules/limits/buckets.ts): anonymous
-- submissions per address and per phone number. Read and written as the system; not tenant data.
create table rate_buckets (
  key text primary key,
  window_start timestamptz not null,
  hits integer not null
);
alter table rate_buckets enable row level security;
