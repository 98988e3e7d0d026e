package io.companyagents.platform.identity;

/** Claim names of the gateway's short-lived internal JWT (the only identity services trust). */
public final class InternalToken {
    public static final String ISSUER = "company-agents-gateway";
    public static final String ACTOR_TYPE = "actorType";
    public static final String COMPANY_ID = "companyId";
    public static final String ROLE = "role";
    public static final String SCOPES = "scopes";
    public static final String KEY_ID = "keyId";

    private InternalToken() {
    }
}
