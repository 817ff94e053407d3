-- Communications (issue 6): portal news items and articles in columns with an editorial
-- workflow, uploaded files, the radio programme and its bulletins, signage, conferences.
-- Tenant tables with RLS; published content is readable by anonymous visitors.

create table comm_columns (
  id integer generated always as identity primary key,
  agency_id integer not null references agencies(id),
  slug text not null check (slug ~ '^[a-z0-9-]{1,80}$'),
  name text not null,
  description text,
  -- The column where the catalog's procedure announcements also appear.
  shows_announcements boolean not null default false,
  sort_order integer not null default 0,
  unique (agency_id, slug)
);
alter table comm_columns enable row level security;
create policy comm_columns_public on comm_columns for select using (true);
create policy comm_columns_write on comm_columns for all using (app_in_scope(agency_id)) with check (app_in_scope(agency_id));

-- Uploaded files (images re-encoded by sharp, attachments, spoken bulletins) stored in the
-- database so that a save is one transaction and backups carry them.
create table comm_files (
  id integer generated always as identity primary key,
  agency_id integer not null references agencies(id),
  kind text not null check (kind in ('image', 'attachment', 'audio')),
  name text not null,
  mime text not null,
  size integer not null,
  data bytea not null,
  thumb bytea,
  width integer,
  height integer,
  duration_seconds numeric(8, 2),
  created_by integer references users(id),
  created_at timestamptz not null default now()
);
create index comm_files_agency on comm_files(agency_id);
alter table comm_files enable row level security;
create policy comm_files_scope on comm_files for all using (app_in_scope(agency_id)) with check (app_in_scope(agency_id));

create table comm_items (
  id integer generated always as identity primary key,
  agency_id integer not null references agencies(id),
  column_id integer not null references comm_columns(id),
  kind text not null default 'news' check (kind in ('news', 'article')),
  status text not null default 'draft' check (status in ('draft', 'submitted', 'scheduled', 'published', 'unpublished')),
  title text not null check (length(title) between 1 and 300),
  slug text not null,
  summary text,
  body text not null default '',
  tags text[] not null default '{}',
  cover_file_id integer references comm_files(id),
  author_id integer references users(id),
  approver_id integer references users(id),
  publish_at timestamptz,
  published_at timestamptz,
  review_note text,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  check (status <> 'published' or (published_at is not null and approver_id is not null)),
  check (status <> 'scheduled' or publish_at is not null)
);
create index comm_items_public on comm_items(agency_id, status, published_at desc);
create index comm_items_column on comm_items(column_id, status, published_at desc);
create index comm_items_due on comm_items(publish_at) where status = 'scheduled';
alter table comm_items enable row level security;
create policy comm_items_public on comm_items for select using (status = 'published');
create policy comm_items_scope on comm_items for all using (app_in_scope(agency_id)) with check (app_in_scope(agency_id));

create table comm_item_files (
  item_id integer not null references comm_items(id) on delete cascade,
  file_id integer not null references comm_files(id),
  agency_id integer not null references agencies(id),
  primary key (item_id, file_id)
);
alter table comm_item_files enable row level security;
create policy comm_item_files_public on comm_item_files for select
  using (exists (select 1 from comm_items i where i.id = item_id and i.status = 'published'));
create policy comm_item_files_scope on comm_item_files for all using (app_in_scope(agency_id)) with check (app_in_scope(agency_id));

create table radio_bulletins (
  id integer generated always as identity primary key,
  agency_id integer not null references agencies(id),
  title text not null,
  text text not null,
  item_id integer references comm_items(id),
  audio_file_id integer references comm_files(id),
  created_by integer references users(id),
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);
alter table radio_bulletins enable row level security;
create policy radio_bulletins_scope on radio_bulletins for all using (app_in_scope(agency_id)) with check (app_in_scope(agency_id));

-- The broadcast programme is public (it is announced to the villages anyway).
create table radio_slots (
  id integer generated always as identity primary key,
  agency_id integer not null references agencies(id),
  date date not null,
  start_time time not null,
  duration_minutes integer not null check (duration_minutes between 1 and 240),
  topic text not null,
  item_id integer references comm_items(id),
  bulletin_id integer references radio_bulletins(id),
  note text,
  created_by integer references users(id),
  created_at timestamptz not null default now()
);
create index radio_slots_date on radio_slots(agency_id, date, start_time);
alter table radio_slots enable row level security;
create policy radio_slots_public on radio_slots for select using (true);
create policy radio_slots_scope on radio_slots for all using (app_in_scope(agency_id)) with check (app_in_scope(agency_id));
-- A bulletin on the public programme (and its spoken version) is public.
create policy radio_bulletins_public on radio_bulletins for select
  using (exists (select 1 from radio_slots s where s.bulletin_id = radio_bulletins.id));

-- Files anonymous visitors may fetch: covers and attachments of published items, images used in
-- their text, audio of bulletins on the programme.
create policy comm_files_public on comm_files for select using (
  exists (select 1 from comm_items i where i.cover_file_id = comm_files.id and i.status = 'published')
  or exists (select 1 from comm_item_files f join comm_items i on i.id = f.item_id where f.file_id = comm_files.id and i.status = 'published')
  or exists (select 1 from radio_bulletins b join radio_slots s on s.bulletin_id = b.id where b.audio_file_id = comm_files.id)
);

create table signage (
  id integer generated always as identity primary key,
  agency_id integer not null references agencies(id),
  kind text not null check (kind in ('panel', 'poster', 'slogan', 'banner')),
  title text not null,
  text text,
  place text not null,
  lat numeric(9, 6),
  lng numeric(9, 6),
  size text,
  quantity integer not null default 1 check (quantity > 0),
  installed_on date not null,
  removed_on date,
  photo_file_id integer references comm_files(id),
  created_by integer references users(id),
  created_at timestamptz not null default now(),
  check (removed_on is null or removed_on >= installed_on)
);
create index signage_place on signage(agency_id, place);
alter table signage enable row level security;
create policy signage_scope on signage for all using (app_in_scope(agency_id)) with check (app_in_scope(agency_id));

create table signage_checks (
  id integer generated always as identity primary key,
  agency_id integer not null references agencies(id),
  signage_id integer not null references signage(id) on delete cascade,
  checked_on date not null,
  condition text not null check (condition in ('good', 'worn', 'damaged', 'missing')),
  note text,
  checked_by integer references users(id)
);
alter table signage_checks enable row level security;
create policy signage_checks_scope on signage_checks for all using (app_in_scope(agency_id)) with check (app_in_scope(agency_id));

create table conferences (
  id integer generated always as identity primary key,
  agency_id integer not null references agencies(id),
  kind text not null check (kind in ('conference', 'briefing')),
  date date not null,
  topic text not null,
  organiser text not null,
  audience text not null check (audience in ('officials', 'citizens', 'businesses', 'mixed')),
  attendees integer not null check (attendees >= 0),
  minutes text,
  created_by integer references users(id),
  created_at timestamptz not null default now()
);
create index conferences_date on conferences(agency_id, date);
alter table conferences enable row level security;
create policy conferences_scope on conferences for all using (app_in_scope(agency_id)) with check (app_in_scope(agency_id));

create table conference_files (
  conference_id integer not null references conferences(id) on delete cascade,
  file_id integer not null references comm_files(id),
  agency_id integer not null references agencies(id),
  primary key (conference_id, file_id)
);
alter table conference_files enable row level security;
create policy conference_files_scope on conference_files for all using (app_in_scope(agency_id)) with check (app_in_scope(agency_id));
