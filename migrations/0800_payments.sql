-- Fees on dossiers, online and cash payments, electronic receipts (docs/payments.md).
--
-- A dossier's fee is computed at intake from the terms its agency applies (src/domain/payments/
-- fees.ts); every change of the amount is kept with who, when and why. A payment is an order sent
-- to the gateway (or cash recorded at the desk); only the gateway's IPN turns an online order into
-- "paid". Every paid payment gets one receipt, numbered per agency and series without gaps: the
-- number is taken from receipt_counters in the transaction that writes the receipt.

create table dossier_fees (
  dossier_id integer primary key references dossiers(id),
  agency_id integer not null references agencies(id),
  -- unknown: the desk must set the amount before anything can be paid.
  status text not null check (status in ('unknown', 'due', 'free', 'exempt')),
  amount_vnd bigint not null default 0 check (amount_vnd >= 0),
  paid_vnd bigint not null default 0 check (paid_vnd >= 0),
  due text not null check (due in ('submission', 'result')),
  quantity integer not null default 1 check (quantity between 1 and 1000),
  exemption text,
  -- How the amount was computed (src/domain/payments/fees.ts FeeLine[]), or the officer's figure.
  lines jsonb not null default '[]'::jsonb,
  updated_at timestamptz not null default now()
);
create index dossier_fees_agency on dossier_fees (agency_id, status);
alter table dossier_fees enable row level security;
create policy dossier_fees_scope on dossier_fees
  using (app_in_scope(agency_id) or exists (select 1 from dossiers d where d.id = dossier_id))
  with check (app_in_scope(agency_id) or exists (select 1 from dossiers d where d.id = dossier_id));
revoke delete on dossier_fees from motcua_app;

create table dossier_fee_changes (
  id bigint generated always as identity primary key,
  agency_id integer not null references agencies(id),
  dossier_id integer not null references dossiers(id),
  at timestamptz not null default now(),
  actor_user_id integer references users(id),
  actor_label text not null,
  before jsonb,
  after jsonb not null,
  reason text not null
);
create index dossier_fee_changes_dossier on dossier_fee_changes (dossier_id, at);
alter table dossier_fee_changes enable row level security;
create policy dossier_fee_changes_scope on dossier_fee_changes
  using (app_in_scope(agency_id) or exists (select 1 from dossiers d where d.id = dossier_id))
  with check (app_in_scope(agency_id) or exists (select 1 from dossiers d where d.id = dossier_id));
revoke update, delete on dossier_fee_changes from motcua_app;

create table payments (
  id integer generated always as identity primary key,
  agency_id integer not null references agencies(id),
  dossier_id integer not null references dossiers(id),
  -- Our order reference (vnp_TxnRef): random, unique across the installation.
  txn_ref text not null unique check (txn_ref ~ '^[A-Za-z0-9]{8,34}$'),
  channel text not null check (channel in ('vnpay', 'cash')),
  amount_vnd bigint not null check (amount_vnd > 0),
  status text not null check (status in ('pending', 'paid', 'failed', 'refund_requested', 'refunded', 'expired')),
  created_at timestamptz not null default now(),
  expires_at timestamptz,
  paid_at timestamptz,
  -- The gateway's words (vnp_TransactionNo, vnp_BankCode, vnp_PayDate, vnp_ResponseCode).
  gateway_txn_no text,
  bank_code text,
  pay_date text,
  response_code text,
  created_by integer references users(id),
  created_label text not null,
  refund_reason text,
  refund_requested_at timestamptz,
  refunded_at timestamptz,
  refund_response text,
  last_query_at timestamptz,
  query_count integer not null default 0
);
create index payments_dossier on payments (dossier_id, created_at);
create index payments_pending on payments (created_at) where status in ('pending', 'expired', 'refund_requested');
alter table payments enable row level security;
create policy payments_scope on payments
  using (app_in_scope(agency_id) or exists (select 1 from dossiers d where d.id = dossier_id))
  with check (app_in_scope(agency_id) or exists (select 1 from dossiers d where d.id = dossier_id));
revoke delete on payments from motcua_app;

-- A series per agency and symbol (the symbol holds the year: "MT-26E").
create table receipt_counters (
  agency_id integer not null references agencies(id),
  symbol text not null check (symbol ~ '^[A-Z]{2}-[0-9]{2}E$'),
  last_no integer not null check (last_no > 0),
  primary key (agency_id, symbol)
);
alter table receipt_counters enable row level security;
create policy receipt_counters_scope on receipt_counters using (app_in_scope(agency_id)) with check (app_in_scope(agency_id));
revoke delete on receipt_counters from motcua_app;

create table receipts (
  id integer generated always as identity primary key,
  -- What the QR and the verification page carry: random, says nothing.
  public_id text not null unique check (public_id ~ '^[A-Za-z0-9_-]{16,40}$'),
  agency_id integer not null references agencies(id),
  dossier_id integer not null references dossiers(id),
  payment_id integer not null unique references payments(id),
  template_code text not null,
  symbol text not null,
  number integer not null check (number > 0),
  amount_vnd bigint not null check (amount_vnd > 0),
  payer_name text not null,
  payer_id_number text,
  payer_address text,
  dossier_code text not null,
  procedure_code text not null,
  procedure_name text not null,
  channel text not null check (channel in ('vnpay', 'cash')),
  gateway_txn_no text,
  collector_label text,
  issued_at timestamptz not null default now(),
  unique (agency_id, symbol, number)
);
create index receipts_agency_issued on receipts (agency_id, issued_at);
create index receipts_dossier on receipts (dossier_id);
alter table receipts enable row level security;
create policy receipts_scope on receipts
  using (app_in_scope(agency_id) or exists (select 1 from dossiers d where d.id = dossier_id))
  with check (app_in_scope(agency_id));
revoke update, delete on receipts from motcua_app;

-- Every message to and from the gateway that changed or could have changed a payment: IPN calls
-- (also refused ones), querydr and refund answers. For reconciliation with the bank's statement.
create table payment_gateway_log (
  id bigint generated always as identity primary key,
  at timestamptz not null default now(),
  agency_id integer references agencies(id),
  kind text not null check (kind in ('ipn', 'querydr', 'refund')),
  txn_ref text,
  answer text not null,
  params jsonb not null default '{}'::jsonb
);
create index payment_gateway_log_txn on payment_gateway_log (txn_ref, at);
-- Read by the system (IPN, jobs) and by an agency's staff for its own rows.
alter table payment_gateway_log enable row level security;
create policy payment_gateway_log_scope on payment_gateway_log using (app_in_scope(agency_id)) with check (app_in_scope(agency_id));
revoke update, delete on payment_gateway_log from motcua_app;

-- An agency's receipt series (registered with the tax office) and tax code, printed on receipts.
create table payment_settings (
  agency_id integer primary key references agencies(id),
  receipt_template text not null,
  receipt_prefix text not null check (receipt_prefix ~ '^[A-Z]{2}$'),
  tax_code text check (tax_code is null or tax_code ~ '^[0-9]{10}(-[0-9]{3})?$'),
  updated_by integer references users(id),
  updated_at timestamptz not null default now()
);
alter table payment_settings enable row level security;
create policy payment_settings_scope on payment_settings using (app_in_scope(agency_id)) with check (app_in_scope(agency_id));
