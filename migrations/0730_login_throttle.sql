-- Failed sign-ins counted per address, per account from an address and per account (src/domain/auth/throttle.ts):
-- growing delays replace the 15-minute lock a stranger could set off. Read and written by the
-- sign-in only, as the system; not tenant data.
create table login_throttle (
  key text primary key,
  failures integer not null default 0,
  last_failure_at timestamptz not null default now(),
  blocked_until timestamptz
);
alter table login_throttle enable row level security;
-- Accounts locked by the old rule are released.
update users set locked_until = null, failed_attempts = 0 where locked_until is not null or failed_attempts <> 0;
