package io.companyagents.platform.events;

import java.util.Arrays;
import java.util.Optional;

/**
 * The event type catalogue: every type any service publishes, the topic it goes to and the
 * payload record that describes its {@code data}.
 */
public enum EventType {
    COMPANY_CREATED("company.created", Topics.AGENTS, EventPayloads.CompanyChanged.class),
    COMPANY_UPDATED("company.updated", Topics.AGENTS, EventPayloads.CompanyChanged.class),
    AGENT_CREATED("agent.created", Topics.AGENTS, EventPayloads.AgentChanged.class),
    AGENT_UPDATED("agent.updated", Topics.AGENTS, EventPayloads.AgentChanged.class),
    AGENT_STATUS_CHANGED("agent.status_changed", Topics.AGENTS, EventPayloads.AgentChanged.class),

    TASK_CREATED("task.created", Topics.TASKS, EventPayloads.TaskChanged.class),
    TASK_UPDATED("task.updated", Topics.TASKS, EventPayloads.TaskChanged.class),
    TASK_STATUS_CHANGED("task.status_changed", Topics.TASKS, EventPayloads.TaskStatusChanged.class),
    TASK_DEPENDENCY_ADDED("task.dependency_added", Topics.TASKS, EventPayloads.TaskDependency.class),
    TASK_DEPENDENCY_REMOVED("task.dependency_removed", Topics.TASKS, EventPayloads.TaskDependency.class),
    TASK_COMMENTED("task.commented", Topics.TASKS, EventPayloads.TaskCommented.class),
    LEASE_GRANTED("lease.granted", Topics.TASKS, EventPayloads.LeaseChanged.class),
    LEASE_RELEASED("lease.released", Topics.TASKS, EventPayloads.LeaseChanged.class),
    LEASE_EXPIRED("lease.expired", Topics.TASKS, EventPayloads.LeaseChanged.class),
    RUN_STARTED("run.started", Topics.TASKS, EventPayloads.RunStarted.class),
    RUN_FINISHED("run.finished", Topics.TASKS, EventPayloads.RunFinished.class),

    COST_RECORDED("cost.recorded", Topics.LEDGER, EventPayloads.CostRecorded.class),
    BUDGET_WARNING("budget.warning", Topics.LEDGER, EventPayloads.BudgetStateChanged.class),
    BUDGET_EXCEEDED("budget.exceeded", Topics.LEDGER, EventPayloads.BudgetStateChanged.class),
    BUDGET_RECOVERED("budget.recovered", Topics.LEDGER, EventPayloads.BudgetStateChanged.class),

    TEAM_CREATED("team.created", Topics.AGENTS, EventPayloads.TeamChanged.class),
    TEAM_UPDATED("team.updated", Topics.AGENTS, EventPayloads.TeamChanged.class),
    TEAM_DELETED("team.deleted", Topics.AGENTS, EventPayloads.TeamChanged.class),
    PROJECT_CREATED("project.created", Topics.AGENTS, EventPayloads.ProjectChanged.class),
    PROJECT_UPDATED("project.updated", Topics.AGENTS, EventPayloads.ProjectChanged.class),

    SECRET_CREATED("secret.created", Topics.SECRETS, EventPayloads.SecretChanged.class),
    SECRET_VERSION_ADDED("secret.version_added", Topics.SECRETS, EventPayloads.SecretChanged.class),
    SECRET_DELETED("secret.deleted", Topics.SECRETS, EventPayloads.SecretChanged.class),
    SECRET_DESTROYED("secret.destroyed", Topics.SECRETS, EventPayloads.SecretChanged.class),
    SECRET_REVEALED("secret.revealed", Topics.SECRETS, EventPayloads.SecretRevealed.class),
    SECRET_GRANT_ADDED("secret.grant_added", Topics.SECRETS, EventPayloads.SecretGrantChanged.class),
    SECRET_GRANT_REMOVED("secret.grant_removed", Topics.SECRETS, EventPayloads.SecretGrantChanged.class),
    KEK_ROTATION_STARTED("kek_rotation.started", Topics.SECRETS, EventPayloads.KekRotationChanged.class),
    KEK_ROTATION_COMPLETED("kek_rotation.completed", Topics.SECRETS, EventPayloads.KekRotationChanged.class),

    BUDGET_SET("budget.set", Topics.LEDGER, EventPayloads.BudgetChanged.class),
    BUDGET_DELETED("budget.deleted", Topics.LEDGER, EventPayloads.BudgetChanged.class),

    MEMORY_SCOPE_CREATED("memory_scope.created", Topics.AGENTS, EventPayloads.MemoryScopeChanged.class),
    MEMORY_ENTRY_CREATED("memory_entry.created", Topics.AGENTS, EventPayloads.MemoryEntryCreated.class),
    JOURNAL_ENTRY_CREATED("journal_entry.created", Topics.AGENTS, EventPayloads.JournalEntryCreated.class),
    NOTIFICATION_CREATED("notification.created", Topics.AGENTS, EventPayloads.NotificationCreated.class),
    NOTIFICATION_ACKED("notification.acked", Topics.AGENTS, EventPayloads.NotificationAcked.class),
    APPROVAL_REQUESTED("approval.requested", Topics.AGENTS, EventPayloads.ApprovalChanged.class),
    APPROVAL_DECIDED("approval.decided", Topics.AGENTS, EventPayloads.ApprovalChanged.class),
    INTEGRATION_CREATED("integration.created", Topics.AGENTS, EventPayloads.IntegrationChanged.class),
    INTEGRATION_UPDATED("integration.updated", Topics.AGENTS, EventPayloads.IntegrationChanged.class),
    PRODUCT_CREATED("product.created", Topics.AGENTS, EventPayloads.ProductChanged.class),
    PRODUCT_UPDATED("product.updated", Topics.AGENTS, EventPayloads.ProductChanged.class);

    public static final String PREFIX = "io.companyagents.";

    private final String type;
    private final String topic;
    private final Class<? extends Record> payload;

    EventType(String shortType, String topic, Class<? extends Record> payload) {
        this.type = PREFIX + shortType;
        this.topic = topic;
        this.payload = payload;
    }

    /** The CloudEvents {@code type}, e.g. {@code io.companyagents.company.created}. */
    public String type() {
        return type;
    }

    public String topic() {
        return topic;
    }

    public Class<? extends Record> payload() {
        return payload;
    }

    public static Optional<EventType> of(String type) {
        return Arrays.stream(values()).filter(t -> t.type.equals(type)).findFirst();
    }
}
