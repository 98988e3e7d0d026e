package io.companyagents.audit.service;

import io.companyagents.platform.testing.RuntimeTestResource;
import io.companyagents.platform.testing.TestPostgres;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The append transaction's redelivery check is planned once per connection, generically, often
 * while the trail is still empty (a new installation), and kept until something analyzes the table
 * again. Planned so, it must still read the event-id index: a sequential scan there would read the
 * whole trail for every batch. Checked on an empty, vacuumed copy of the trail in a scratch schema,
 * under the settings the append transaction plans with — and, to show what they are for, without them.
 */
@QuarkusTest
@QuarkusTestResource(RuntimeTestResource.class)
class AppendPlanTest {

    private static final String SCHEMA = "audit_append_plan";

    @Test
    void theRedeliveryCheckReadsTheEventIdIndexWhenTheTrailLooksEmpty() throws SQLException {
        try (Connection c = TestPostgres.instance().connect(); Statement s = c.createStatement()) {
            s.execute("drop schema if exists " + SCHEMA + " cascade");
            s.execute("create schema " + SCHEMA);
            try {
                s.execute("create table " + SCHEMA + ".audit_events (like audit.audit_events including all)");
                s.execute("vacuum analyze " + SCHEMA + ".audit_events");

                String planned = genericPlan(c, AuditAppender.PLAN_SETTINGS_SQL);
                assertFalse(planned.contains("Seq Scan"), "no scan of the trail\n" + planned);
                assertTrue(planned.contains("audit_events_event_id_key"), "the check reads the event-id index\n" + planned);

                String unguarded = genericPlan(c, "set local enable_seqscan = on");
                assertTrue(unguarded.contains("Seq Scan on audit_events"),
                        "without the settings the empty trail's plan scans it (what the settings are for)\n" + unguarded);
            } finally {
                s.execute("drop schema if exists " + SCHEMA + " cascade");
            }
        }
    }

    /** The generic plan of the redelivery check in a transaction that first runs {@code settings}. */
    private static String genericPlan(Connection c, String settings) throws SQLException {
        c.setAutoCommit(false);
        try (Statement s = c.createStatement()) {
            s.execute(settings);
            s.execute("set local search_path = " + SCHEMA);
            s.execute("set local plan_cache_mode = force_generic_plan");
            s.execute("prepare append_check (uuid[]) as " + AuditAppender.ALREADY_STORED_SQL);
            StringBuilder plan = new StringBuilder();
            try (ResultSet rs = s.executeQuery("explain execute append_check('{7f000000-0000-7000-8000-000000000001}')")) {
                while (rs.next()) {
                    plan.append(rs.getString(1)).append('\n');
                }
            }
            s.execute("deallocate append_check");
            return plan.toString();
        } finally {
            c.rollback();
            c.setAutoCommit(true);
        }
    }
}
