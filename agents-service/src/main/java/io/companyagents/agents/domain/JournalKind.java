package io.companyagents.agents.domain;

public enum JournalKind {
    reflection, decision, learning, struggle, note
}
