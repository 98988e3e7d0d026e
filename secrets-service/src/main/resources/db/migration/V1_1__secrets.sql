-- Secrets: metadata in the clear, values only as ciphertext under a per-version data key that
-- is itself stored only wrapped by the key-encryption key (KEK). No key material lives here.

create table secrets (
    id              uuid        primary key,
    company_id      uuid        not null,
    name            text        not null,
    description     text,
    kind            text        not null default 'secret' check (kind in ('secret', 'project_token')),
    project_id      uuid,
    current_version int         not null check (current_version >= 1),
    created_at      timestamptz not null,
    updated_at      timestamptz not null,
    deleted_at      timestamptz,
    destroyed_at    timestamptz,
    created_by_type text,
    created_by_id   text,
    check (destroyed_at is null or deleted_at is not null),
    check ((kind = 'project_token') = (project_id is not null))
);
-- A name stays taken by its tombstone until the secret is destroyed.
create unique index secrets_name_held on secrets (company_id, name) where destroyed_at is null;
create unique index secrets_project_token on secrets (company_id, project_id) where destroyed_at is null;
create index secrets_by_company on secrets (company_id, id);

-- One row per value a secret has had. Destroying a secret drops its wrapped data keys and
-- ciphertexts (crypto-shredding); the row stays as a record that the version existed.
create table secret_versions (
    secret_id        uuid        not null references secrets (id),
    version          int         not null check (version >= 1),
    company_id       uuid        not null,
    ciphertext       bytea,
    wrapped_data_key bytea,
    kek_version      int,
    created_at       timestamptz not null,
    primary key (secret_id, version),
    check ((ciphertext is null) = (wrapped_data_key is null)
           and (wrapped_data_key is null) = (kek_version is null))
);
create index secret_versions_live_by_kek on secret_versions (kek_version) where wrapped_data_key is not null;

-- Which agents may reveal which secret.
create table secret_grants (
    secret_id       uuid        not null references secrets (id),
    agent_id        uuid        not null,
    company_id      uuid        not null,
    granted_at      timestamptz not null,
    granted_by_type text,
    granted_by_id   text,
    primary key (secret_id, agent_id)
);

-- KEK metadata only: version numbers and which one is primary. The key material stays with
-- its provider (the key file, the environment, Vault).
create table kek_versions (
    version    int         primary key,
    provider   text        not null,
    is_primary boolean     not null default false,
    created_at timestamptz not null default now()
);
create unique index kek_versions_one_primary on kek_versions (is_primary) where is_primary;

-- A rotation re-wraps every live data key below to_version, in batches. Its cursor and counts
-- are committed with each batch, so a restarted worker resumes where the last commit left off.
create table kek_rotations (
    id               uuid        primary key,
    provider         text        not null,
    from_version     int         not null,
    to_version       int         not null,
    status           text        not null check (status in ('running', 'completed')),
    total            bigint      not null,
    rewrapped        bigint      not null default 0,
    skipped          bigint      not null default 0,
    passes           int         not null default 1,
    cursor_secret_id uuid,
    cursor_version   int,
    failed_attempts  int         not null default 0,
    last_failure_at  timestamptz,
    requested_by     text,
    started_at       timestamptz not null,
    updated_at       timestamptz not null,
    completed_at     timestamptz
);
create unique index kek_rotations_one_running on kek_rotations (status) where status = 'running';
create index kek_rotations_latest on kek_rotations (started_at desc);
