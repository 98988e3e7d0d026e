package io.companyagents.secrets.domain;

/** What a secret is for: one a person stored, or a project's git token kept for agents-service. */
public enum SecretKind {
    secret, project_token
}
