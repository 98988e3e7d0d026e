package io.companyagents.tasks.rest;

import io.companyagents.tasks.domain.Lifecycle;
import io.companyagents.tasks.domain.TaskStatus;
import io.companyagents.tasks.domain.Transition;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import java.util.Arrays;
import java.util.List;

@Path("/api/v1/task-lifecycle")
@Tag(name = "Tasks")
public class LifecycleResource {

    public record TransitionView(String action, List<String> from, String to, List<String> by, List<String> reviewPolicies,
                                 String guard) {
    }

    public record LifecycleView(List<String> states, List<TransitionView> transitions) {
    }

    private static final LifecycleView VIEW = new LifecycleView(
            Arrays.stream(TaskStatus.values()).map(Enum::name).toList(),
            Lifecycle.TABLE.stream().map(LifecycleResource::view).toList());

    @GET
    @Operation(summary = "The task state machine: every state and transition (action, from, to, who, policies)")
    public LifecycleView table() {
        return VIEW;
    }

    private static TransitionView view(Transition t) {
        String to = switch (t.target()) {
            case FIXED -> t.to().name();
            case UNCHANGED -> "(unchanged)";
            case REMEMBERED -> "(remembered state)";
        };
        return new TransitionView(t.action().name(), t.from().stream().map(Enum::name).sorted().toList(), to,
                t.by().stream().map(Enum::name).toList(), t.policies().stream().map(Enum::name).toList(), t.guard());
    }
}
