package io.companyagents.agents.domain;

public enum CompanyStatus {
    active, paused, archived
}
