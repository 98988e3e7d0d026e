package io.companyagents.agents.rest;

import io.companyagents.agents.domain.OrgChart;
import io.companyagents.agents.rest.AgentApi.OrgChartView;
import io.companyagents.agents.rest.AgentApi.OrgNode;
import io.companyagents.agents.service.AgentService;
import io.smallrye.mutiny.Uni;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import java.util.List;
import java.util.UUID;

@Path("/api/v1/companies/{companyId}/org-chart")
@Tag(name = "Agents")
public class OrgChartResource {

    @Inject
    AgentService agents;

    @Inject
    OrgAccess access;

    @GET
    @Operation(summary = "The org chart: every agent under the one it reports to, roots first")
    public Uni<OrgChartView> getOrgChart(@PathParam("companyId") UUID companyId) {
        access.read(companyId);
        return agents.orgChart(companyId).map(roots -> new OrgChartView(companyId, count(roots),
                roots.stream().map(OrgNode::of).toList()));
    }

    private static int count(List<OrgChart.Node> nodes) {
        return nodes.stream().mapToInt(n -> 1 + count(n.reports())).sum();
    }
}
