package io.companyagents.cli.ops;

import org.postgresql.PGConnection;
import org.postgresql.copy.CopyManager;

import java.io.IOException;
import java.io.OutputStream;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

/**
 * The built-in dumper, used where no {@code pg_dump} of the server's major version (or newer) is installed:
 * a plain SQL script in the layout of {@code pg_dump --format=plain --no-owner} (roles granted to, schemas,
 * extensions, enums, functions, sequences, tables; then every table's rows as {@code COPY … FROM stdin}; then
 * constraints, indexes, foreign keys, triggers, sequence values and privileges). {@code psql --single-transaction -f} loads
 * it as well as {@code company-agents}.
 *
 * <p>Everything is read in the caller's transaction (repeatable read, read only), so the script is one
 * consistent snapshot of all schemas. Object definitions come from the server's own deparsers
 * ({@code pg_get_functiondef}, {@code pg_get_constraintdef}, {@code pg_get_indexdef}, {@code pg_get_triggerdef},
 * {@code pg_get_expr}, {@code format_type}) with an empty search_path, so every name is schema-qualified.
 * Kinds of objects the services do not use (views, partitions, inheritance, domains, rules, policies) are
 * refused with a clear message rather than dumped half.
 */
public final class SqlDumper {

    /** First line of every script written by this dumper. */
    public static final String HEADER = "-- Company Agents database dump (built-in dumper)";

    private final Connection c;
    private final Progress progress;

    public SqlDumper(Connection connection, Progress progress) {
        this.c = connection;
        this.progress = progress;
    }

    /** Writes the script for the given schemas (which must exist); the connection must be in a transaction. */
    public void dump(List<String> schemas, OutputStream out) throws SQLException, IOException {
        try (Statement s = c.createStatement()) {
            s.execute("select pg_catalog.set_config('search_path', '', true)");
        }
        List<Long> namespaces = new ArrayList<>();
        for (String schema : schemas) {
            namespaces.add(namespaceOid(schema));
        }
        checkSupported(namespaces);
        Writer w = new java.io.OutputStreamWriter(new NonClosing(out), StandardCharsets.UTF_8);
        w.write(HEADER + "\n");
        w.write("-- server " + scalar("select current_setting('server_version')") + ", schemas "
                + String.join(", ", schemas) + "\n");
        w.write("-- load with: psql -v ON_ERROR_STOP=1 --single-transaction -f FILE, or company-agents backup restore / db import\n\n");
        w.write("SET statement_timeout = 0;\nSET lock_timeout = 0;\nSET client_encoding = 'UTF8';\n"
                + "SET standard_conforming_strings = on;\n"
                + "SELECT pg_catalog.set_config('search_path', '', false);\nSET check_function_bodies = false;\n"
                + "SET client_min_messages = warning;\n\n");

        List<String> roles = grantees(c, schemas);
        if (!roles.isEmpty()) {
            w.write("-- roles the privileges below are granted to (created NOLOGIN where missing)\n");
            w.write(ensureRoles(roles) + "\n\n");
        }

        List<Table> tables = new ArrayList<>();
        for (int i = 0; i < schemas.size(); i++) {
            long nsp = namespaces.get(i);
            String schema = schemas.get(i);
            w.write("-- schema " + schema + "\n");
            w.write("CREATE SCHEMA " + DbStats.ident(schema) + ";\n");
            for (String line : strings("select format('CREATE EXTENSION IF NOT EXISTS %I WITH SCHEMA %I;', e.extname, "
                    + "n.nspname) from pg_extension e join pg_namespace n on n.oid = e.extnamespace "
                    + "where e.extnamespace = ?::oid order by e.extname", nsp)) {
                w.write(line + "\n");
            }
            for (String line : strings("select format('CREATE TYPE %I.%I AS ENUM (%s);', n.nspname, t.typname, "
                    + "(select string_agg(quote_literal(e.enumlabel), ', ' order by e.enumsortorder) from pg_enum e "
                    + "where e.enumtypid = t.oid)) from pg_type t join pg_namespace n on n.oid = t.typnamespace "
                    + "where t.typnamespace = ?::oid and t.typtype = 'e' and " + notExtensionMember("pg_type", "t.oid")
                    + " order by t.typname", nsp)) {
                w.write(line + "\n");
            }
            for (String def : strings("select pg_get_functiondef(p.oid) from pg_proc p where p.pronamespace = ?::oid "
                    + "and p.prokind in ('f', 'p') and " + notExtensionMember("pg_proc", "p.oid")
                    + " order by p.proname, p.oid", nsp)) {
                w.write(def.strip() + ";\n\n");
            }
            for (String line : strings("select format('CREATE SEQUENCE %I.%I AS %s START WITH %s INCREMENT BY %s "
                    + "MINVALUE %s MAXVALUE %s CACHE %s%s;', n.nspname, c.relname, format_type(s.seqtypid, null), "
                    + "s.seqstart, s.seqincrement, s.seqmin, s.seqmax, s.seqcache, "
                    + "case when s.seqcycle then ' CYCLE' else '' end) from pg_class c join pg_sequence s "
                    + "on s.seqrelid = c.oid join pg_namespace n on n.oid = c.relnamespace where c.relnamespace = ?::oid "
                    + "and c.relkind = 'S' and not exists (select 1 from pg_depend d where d.classid = "
                    + "'pg_class'::regclass and d.objid = c.oid and d.deptype = 'i') and "
                    + notExtensionMember("pg_class", "c.oid") + " order by c.relname", nsp)) {
                w.write(line + "\n");
            }
            for (Table t : tables(nsp, schema)) {
                tables.add(t);
                w.write("\n" + t.createStatement + "\n");
            }
            w.write("\n");
        }
        w.flush();

        CopyManager copy = c.unwrap(PGConnection.class).getCopyAPI();
        int done = 0;
        for (Table t : tables) {
            w.write("\n-- data " + t.qualified + "\n");
            w.write("COPY " + t.qualified + " (" + t.columns + ") FROM stdin;\n");
            w.flush();
            copy.copyOut("COPY " + t.qualified + " (" + t.columns + ") TO STDOUT", new NonClosing(out));
            w.write("\\.\n");
            done++;
            if (done % 10 == 0 || done == tables.size()) {
                w.flush();
                progress.step("  dumped " + done + "/" + tables.size() + " tables");
            }
        }
        w.write("\n-- constraints, indexes, triggers, sequence values\n");
        List<Long> tableOids = tables.stream().map(t -> t.oid).toList();
        Array oids = c.createArrayOf("int8", tableOids.toArray());
        // primary keys, unique and exclusion constraints (they carry their indexes), then NOT VALID checks
        for (String line : strings("select format('ALTER TABLE ONLY %s ADD CONSTRAINT %I %s;', con.conrelid::regclass, "
                + "con.conname, pg_get_constraintdef(con.oid)) from pg_constraint con where con.conrelid::int8 = any(?) "
                + "and (con.contype in ('p', 'u', 'x') or (con.contype = 'c' and not con.convalidated)) "
                + "order by con.conrelid::regclass::text, case con.contype when 'p' then 0 else 1 end, con.conname", oids)) {
            w.write(line + "\n");
        }
        for (String line : strings("select pg_get_indexdef(i.indexrelid) || ';' from pg_index i join pg_class ic "
                + "on ic.oid = i.indexrelid where i.indrelid::int8 = any(?) and not exists (select 1 from pg_constraint "
                + "con where con.conindid = i.indexrelid and con.conrelid = i.indrelid and con.contype in ('p', 'u', 'x')) "
                + "order by i.indrelid::regclass::text, ic.relname", oids)) {
            w.write(line + "\n");
        }
        for (String line : strings("select format('ALTER TABLE ONLY %s ADD CONSTRAINT %I %s;', con.conrelid::regclass, "
                + "con.conname, pg_get_constraintdef(con.oid)) from pg_constraint con where con.conrelid::int8 = any(?) "
                + "and con.contype = 'f' order by con.conrelid::regclass::text, con.conname", oids)) {
            w.write(line + "\n");
        }
        for (String line : strings("select pg_get_triggerdef(t.oid) || ';' || case t.tgenabled when 'D' then "
                + "format(E'\\nALTER TABLE %s DISABLE TRIGGER %I;', t.tgrelid::regclass, t.tgname) else '' end "
                + "from pg_trigger t where t.tgrelid::int8 = any(?) and not t.tgisinternal "
                + "order by t.tgrelid::regclass::text, t.tgname", oids)) {
            w.write(line + "\n");
        }
        // serial sequences: OWNED BY; every sequence (identity ones too): its value
        for (String line : strings("select format('ALTER SEQUENCE %s OWNED BY %s.%I;', d.objid::regclass, "
                + "d.refobjid::regclass, a.attname) from pg_depend d join pg_class s on s.oid = d.objid "
                + "join pg_attribute a on a.attrelid = d.refobjid and a.attnum = d.refobjsubid "
                + "where d.classid = 'pg_class'::regclass and d.refclassid = 'pg_class'::regclass and d.deptype = 'a' "
                + "and s.relkind = 'S' and d.refobjid::int8 = any(?) order by 1", oids)) {
            w.write(line + "\n");
        }
        for (int i = 0; i < schemas.size(); i++) {
            for (String seq : strings("select c.oid::regclass::text from pg_class c where c.relnamespace = ?::oid "
                    + "and c.relkind = 'S' and " + notExtensionMember("pg_class", "c.oid") + " order by c.relname",
                    namespaces.get(i))) {
                try (Statement s = c.createStatement();
                        ResultSet rs = s.executeQuery("select last_value, is_called from " + seq)) {
                    rs.next();
                    w.write("SELECT pg_catalog.setval(" + literal(seq) + ", " + rs.getLong(1) + ", " + rs.getBoolean(2)
                            + ");\n");
                }
            }
        }
        w.write("\n-- privileges\n");
        Array nsps = c.createArrayOf("int8", namespaces.toArray());
        for (String line : strings(GRANTS, nsps, nsps, nsps, nsps)) {
            w.write(line + "\n");
        }
        w.write("\n-- end of dump\n");
        w.flush();
    }

    private record Table(long oid, String qualified, String columns, String createStatement) {
    }

    private List<Table> tables(long nsp, String schema) throws SQLException {
        List<Table> tables = new ArrayList<>();
        List<Object[]> rows = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement("select c.oid, format('%I.%I', n.nspname, c.relname), "
                + "c.relpersistence, array_to_string(c.reloptions, ', ') from pg_class c join pg_namespace n "
                + "on n.oid = c.relnamespace where c.relnamespace = ?::oid and c.relkind = 'r' and "
                + notExtensionMember("pg_class", "c.oid") + " order by c.relname")) {
            ps.setLong(1, nsp);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    rows.add(new Object[] {rs.getLong(1), rs.getString(2), rs.getString(3), rs.getString(4)});
                }
            }
        }
        for (Object[] r : rows) {
            long oid = (Long) r[0];
            String qualified = (String) r[1];
            List<String> defs = new ArrayList<>();
            List<String> copyColumns = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement("select quote_ident(a.attname), format_type(a.atttypid, "
                    + "a.atttypmod), a.attnotnull, pg_get_expr(ad.adbin, ad.adrelid), a.attgenerated, a.attidentity, "
                    + "case when a.attcollation <> t.typcollation then (select format('%I.%I', cn.nspname, co.collname) "
                    + "from pg_collation co join pg_namespace cn on cn.oid = co.collnamespace where co.oid = "
                    + "a.attcollation) end, (select format(' (SEQUENCE NAME %s START WITH %s INCREMENT BY %s MINVALUE "
                    + "%s MAXVALUE %s CACHE %s%s)', s.seqrelid::regclass, s.seqstart, s.seqincrement, s.seqmin, "
                    + "s.seqmax, s.seqcache, case when s.seqcycle then ' CYCLE' else '' end) from pg_sequence s where "
                    + "s.seqrelid = pg_get_serial_sequence(format('%I.%I', n.nspname, c.relname), a.attname)::regclass) "
                    + "from pg_attribute a join pg_class c on c.oid = a.attrelid join pg_namespace n on n.oid = "
                    + "c.relnamespace join pg_type t on t.oid = a.atttypid left join pg_attrdef ad on ad.adrelid = "
                    + "a.attrelid and ad.adnum = a.attnum where a.attrelid = ?::oid and a.attnum > 0 and not a.attisdropped "
                    + "order by a.attnum")) {
                ps.setLong(1, oid);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        String name = rs.getString(1);
                        StringBuilder d = new StringBuilder("    ").append(name).append(' ').append(rs.getString(2));
                        if (rs.getString(7) != null) {
                            d.append(" COLLATE ").append(rs.getString(7));
                        }
                        String expr = rs.getString(4);
                        String generated = rs.getString(5);
                        String identity = rs.getString(6);
                        if (generated != null && generated.equals("s")) {
                            d.append(" GENERATED ALWAYS AS (").append(expr).append(") STORED");
                        } else {
                            copyColumns.add(name);
                            if (identity != null && !identity.isEmpty()) {
                                d.append(identity.equals("a") ? " GENERATED ALWAYS AS IDENTITY"
                                        : " GENERATED BY DEFAULT AS IDENTITY");
                                if (rs.getString(8) != null) {
                                    d.append(rs.getString(8));
                                }
                            } else if (expr != null) {
                                d.append(" DEFAULT ").append(expr);
                            }
                        }
                        if (rs.getBoolean(3)) {
                            d.append(" NOT NULL");
                        }
                        defs.add(d.toString());
                    }
                }
            }
            for (String check : strings("select format('    CONSTRAINT %I %s', conname, pg_get_constraintdef(oid)) "
                    + "from pg_constraint where conrelid = ?::oid and contype = 'c' and convalidated order by conname", oid)) {
                defs.add(check);
            }
            String create = "CREATE " + ("u".equals(r[2]) ? "UNLOGGED " : "") + "TABLE " + qualified + " (\n"
                    + String.join(",\n", defs) + "\n)" + (r[3] == null || ((String) r[3]).isEmpty() ? ""
                    : " WITH (" + r[3] + ")") + ";";
            tables.add(new Table(oid, qualified, String.join(", ", copyColumns), create));
        }
        return tables;
    }

    /**
     * GRANT statements for the ACLs of the schemas and their tables, sequences, columns and functions (grants to
     * the object's owner are left out: the restoring role owns what it restores), and a REVOKE of PUBLIC's
     * default EXECUTE where a function's ACL dropped it.
     */
    private static final String GRANTS = "with acl as ("
            + "select 'SCHEMA' as kind, quote_ident(n.nspname) as obj, null::text as col, n.nspacl as acl, "
            + "n.nspowner as owner, 0 as ord from pg_namespace n where n.oid::int8 = any(?) "
            + "union all select case c.relkind when 'S' then 'SEQUENCE' else 'TABLE' end, c.oid::regclass::text, null, "
            + "c.relacl, c.relowner, 1 from pg_class c where c.relnamespace::int8 = any(?) and c.relkind in ('r', 'S') "
            + "union all select 'TABLE', c.oid::regclass::text, quote_ident(a.attname), a.attacl, c.relowner, 2 "
            + "from pg_attribute a join pg_class c on c.oid = a.attrelid where c.relnamespace::int8 = any(?) "
            + "and c.relkind = 'r' and a.attnum > 0 and not a.attisdropped and a.attacl is not null "
            + "union all select case p.prokind when 'p' then 'PROCEDURE' else 'FUNCTION' end, "
            + "p.oid::regprocedure::text, null, p.proacl, p.proowner, 3 from pg_proc p where p.pronamespace::int8 = any(?) "
            + "and p.prokind in ('f', 'p')) "
            + "select stmt from ("
            + "select acl.ord, acl.obj, 0 as sub, format('GRANT %s%s ON %s %s TO %s%s;', x.privilege_type, "
            + "coalesce(' (' || acl.col || ')', ''), acl.kind, acl.obj, case when x.grantee = 0 then 'PUBLIC' else "
            + "quote_ident(r.rolname) end, case when x.is_grantable then ' WITH GRANT OPTION' else '' end) as stmt "
            + "from acl cross join lateral aclexplode(acl.acl) x left join pg_roles r on r.oid = x.grantee "
            + "where acl.acl is not null and x.grantee <> acl.owner "
            + "union all select acl.ord, acl.obj, -1, format('REVOKE ALL ON %s %s FROM PUBLIC;', acl.kind, acl.obj) "
            + "from acl where acl.ord = 3 and acl.acl is not null and not exists (select 1 from aclexplode(acl.acl) y "
            + "where y.grantee = 0 and y.privilege_type = 'EXECUTE')"
            + ") g order by ord, obj, sub, stmt";

    /** Roles (other than the owners and PUBLIC) that objects of the schemas grant privileges to. */
    static List<String> grantees(Connection c, List<String> schemas) throws SQLException {
        List<String> roles = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement("with nsp as (select oid from pg_namespace where nspname = any(?)), "
                + "acl as (select nspacl as acl, nspowner as owner from pg_namespace where oid in (select oid from nsp) "
                + "union all select relacl, relowner from pg_class where relnamespace in (select oid from nsp) "
                + "union all select a.attacl, c.relowner from pg_attribute a join pg_class c on c.oid = a.attrelid "
                + "where c.relnamespace in (select oid from nsp) and a.attacl is not null "
                + "union all select proacl, proowner from pg_proc where pronamespace in (select oid from nsp)) "
                + "select distinct r.rolname from acl cross join lateral aclexplode(acl.acl) x join pg_roles r "
                + "on r.oid = x.grantee where acl.acl is not null and x.grantee <> 0 and x.grantee <> acl.owner order by 1")) {
            ps.setArray(1, c.createArrayOf("text", schemas.toArray()));
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    roles.add(rs.getString(1));
                }
            }
        }
        return roles;
    }

    /**
     * A DO block creating each role (NOLOGIN) where missing and making the current user a member (the services
     * connect as the owner and switch to such a role, e.g. audit's ca_audit_writer).
     */
    static String ensureRoles(List<String> roles) {
        StringBuilder sb = new StringBuilder("DO $ensure_roles$\nDECLARE\n    r text;\nBEGIN\n    FOREACH r IN ARRAY ARRAY[");
        for (int i = 0; i < roles.size(); i++) {
            sb.append(i == 0 ? "" : ", ").append(literal(roles.get(i)));
        }
        sb.append("]::text[] LOOP\n")
                .append("        IF NOT EXISTS (SELECT 1 FROM pg_catalog.pg_roles WHERE rolname = r) THEN\n")
                .append("            EXECUTE pg_catalog.format('CREATE ROLE %I NOLOGIN', r);\n")
                .append("        END IF;\n")
                .append("        IF NOT pg_catalog.pg_has_role(current_user, r, 'MEMBER') THEN\n")
                .append("            EXECUTE pg_catalog.format('GRANT %I TO %I', r, current_user);\n")
                .append("        END IF;\n")
                .append("    END LOOP;\n")
                .append("END\n$ensure_roles$;");
        return sb.toString();
    }

    /** Refuses kinds of objects the built-in dumper does not reproduce, naming the first few. */
    private void checkSupported(List<Long> namespaces) throws SQLException {
        Array nsps = c.createArrayOf("int8", namespaces.toArray());
        List<String> unsupported = strings("select kind || ' ' || name from ("
                + "select case c.relkind when 'v' then 'view' when 'm' then 'materialized view' when 'p' then "
                + "'partitioned table' when 'f' then 'foreign table' else 'composite type' end as kind, "
                + "c.oid::regclass::text as name from pg_class c where c.relnamespace::int8 = any(?) and c.relkind in "
                + "('v', 'm', 'p', 'f', 'c') and " + notExtensionMember("pg_class", "c.oid")
                + " union all select 'partition or inheriting table', i.inhrelid::regclass::text from pg_inherits i "
                + "join pg_class c on c.oid = i.inhrelid where c.relnamespace::int8 = any(?)"
                + " union all select 'type', format('%I.%I', n.nspname, t.typname) from pg_type t join pg_namespace n "
                + "on n.oid = t.typnamespace where t.typnamespace::int8 = any(?) and t.typtype in ('d', 'r', 'm') and "
                + notExtensionMember("pg_type", "t.oid")
                + " union all select 'aggregate or window function', p.oid::regprocedure::text from pg_proc p "
                + "where p.pronamespace::int8 = any(?) and p.prokind in ('a', 'w') and "
                + notExtensionMember("pg_proc", "p.oid")
                + " union all select 'rule', r.rulename from pg_rewrite r join pg_class c on c.oid = r.ev_class "
                + "where c.relnamespace::int8 = any(?) and c.relkind = 'r'"
                + " union all select 'row-level security policy', p.polname from pg_policy p join pg_class c "
                + "on c.oid = p.polrelid where c.relnamespace::int8 = any(?)"
                + " union all select 'default privileges', d.defaclnamespace::regnamespace::text from pg_default_acl d "
                + "where d.defaclnamespace::int8 = any(?)) x order by 1 limit 5",
                nsps, nsps, nsps, nsps, nsps, nsps, nsps);
        if (!unsupported.isEmpty()) {
            throw Ops.environment("The built-in dumper does not handle " + String.join(", ", unsupported)
                    + "; install pg_dump of the server's major version (or newer) and pass --format pg-dump.");
        }
    }

    private static String notExtensionMember(String catalog, String oidExpr) {
        return "not exists (select 1 from pg_depend dep where dep.classid = '" + catalog + "'::regclass and dep.objid = "
                + oidExpr + " and dep.deptype = 'e')";
    }

    private long namespaceOid(String schema) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("select oid::int8 from pg_namespace where nspname = ?")) {
            ps.setString(1, schema);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    throw new SQLException("schema " + schema + " does not exist");
                }
                return rs.getLong(1);
            }
        }
    }

    private String scalar(String sql) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getString(1);
        }
    }

    private List<String> strings(String sql, Object... params) throws SQLException {
        List<String> out = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            for (int i = 0; i < params.length; i++) {
                ps.setObject(i + 1, params[i]);
            }
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(rs.getString(1));
                }
            }
        }
        return out;
    }

    static String literal(String s) {
        return "'" + s.replace("'", "''") + "'";
    }

    /** Keeps the writers and COPY from closing the archive stream underneath. */
    private static final class NonClosing extends java.io.FilterOutputStream {
        NonClosing(OutputStream out) {
            super(out);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            out.write(b, off, len);
        }

        @Override
        public void close() throws IOException {
            out.flush();
        }
    }
}
