create table companies (
    id                    uuid primary key,
    name                  text        not null,
    slug                  text        not null unique,
    description           text,
    status                text        not null default 'active' check (status in ('active', 'paused', 'archived')),
    default_review_policy text        not null default 'pm' check (default_review_policy in ('none', 'pm', 'qa', 'full')),
    created_at            timestamptz not null default now(),
    updated_at            timestamptz not null default now(),
    version               bigint      not null default 0
);
