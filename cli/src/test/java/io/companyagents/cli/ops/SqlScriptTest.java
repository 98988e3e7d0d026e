package io.companyagents.cli.ops;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SqlScriptTest {

    private static List<String> split(String sql) {
        SqlScript.Lexer lexer = new SqlScript.Lexer();
        List<String> out = new ArrayList<>();
        for (String line : sql.split("\n", -1)) {
            out.addAll(lexer.feed(line));
        }
        assertTrue(lexer.atStatementStart(), "unterminated: " + sql);
        return out;
    }

    @Test
    void semicolonsInsideQuotesDollarQuotesAndCommentsDoNotEndAStatement() {
        List<String> statements = split("""
                select 'a;b', "we;ird" from t; -- comment; here
                /* block; /* nested; */ still; */ select 1;
                create function f() returns trigger language plpgsql as $body$
                begin
                    perform 1; -- inside
                    raise notice 'x;y';
                end
                $body$;
                select E'it\\'s; fine', $$a;b$$, 'it''s;';
                select $1, a$b from t;""");
        assertEquals(5, statements.size(), statements.toString());
        assertEquals("select 'a;b', \"we;ird\" from t;", statements.get(0));
        assertEquals("select 1;", statements.get(1));
        assertTrue(statements.get(2).contains("raise notice 'x;y';") && statements.get(2).endsWith("$body$;"));
        assertEquals("select E'it\\'s; fine', $$a;b$$, 'it''s;';", statements.get(3));
        assertEquals("select $1, a$b from t;", statements.get(4));
    }

    @Test
    void copyBlocksAreCountedPerTableAndMetaCommandsSkipped() throws IOException {
        String script = """
                \\restrict abc
                SET x = 1;
                COPY "agents".companies (id, name) FROM stdin;
                1\tAcme; Inc
                2\t\\N
                \\.
                COPY ledger.cost_entries (id) FROM stdin;
                \\.
                -- end of dump
                """;
        SqlScript.Summary s = SqlScript.scan(new ByteArrayInputStream(script.getBytes(StandardCharsets.UTF_8)));
        assertEquals(Map.of("agents.companies", 2L, "ledger.cost_entries", 0L), s.rows());
        assertEquals(3, s.statements());
        assertTrue(s.complete());
    }

    @Test
    void aDumpCutInsideCopyDataOrInsideAStatementIsReportedAsTruncated() {
        String cutInData = "COPY a.b (id) FROM stdin;\n1\n2\n";
        IOException e = assertThrows(IOException.class,
                () -> SqlScript.scan(new ByteArrayInputStream(cutInData.getBytes(StandardCharsets.UTF_8))));
        assertTrue(e.getMessage().contains("truncated"), e.getMessage());
        String cutInStatement = "create table a.b (\n id int";
        e = assertThrows(IOException.class,
                () -> SqlScript.scan(new ByteArrayInputStream(cutInStatement.getBytes(StandardCharsets.UTF_8))));
        assertTrue(e.getMessage().contains("truncated"), e.getMessage());
    }

    @Test
    void aDumpWithoutItsEndMarkerIsIncomplete() throws IOException {
        SqlScript.Summary s = SqlScript.scan(new ByteArrayInputStream("select 1;\n".getBytes(StandardCharsets.UTF_8)));
        assertFalse(s.complete());
    }
}
