-- Signed heads of each company's chain. A consumer that kept one can detect a rewrite of the
-- whole table: the recomputed chain will not reach the same hash at that seq.
create table audit_checkpoints (
    company_id uuid        not null,
    seq        bigint      not null,
    hash       text        not null,
    signed_at  timestamptz not null,
    signature  text        not null,
    public_key text        not null,
    primary key (company_id, seq)
);
