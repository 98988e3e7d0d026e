package io.companyagents.cli.ops;

import org.postgresql.PGConnection;
import org.postgresql.copy.CopyIn;
import org.postgresql.copy.CopyManager;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads a plain SQL dump (the built-in dumper's, or {@code pg_dump --format=plain}'s) the way psql does:
 * statements end at a semicolon outside quotes, identifiers, dollar quotes and comments; {@code COPY … FROM stdin}
 * is followed by data lines up to {@code \.}; psql meta-commands ({@code \restrict} and the like) are skipped.
 */
public final class SqlScript {

    private static final Pattern COPY_FROM_STDIN = Pattern.compile(
            "^\\s*COPY\\s+(.+?)\\s*(\\(.*\\))?\\s+FROM\\s+stdin\\s*;\\s*$",
            Pattern.CASE_INSENSITIVE | Pattern.DOTALL);
    private static final Pattern DOLLAR_TAG = Pattern.compile("\\$([A-Za-z_\\u0080-\\uffff][A-Za-z_0-9\\u0080-\\uffff]*)?\\$");

    /** What a scan found: statements, and rows per COPY target ({@code schema.table}, quotes removed). */
    public record Summary(int statements, Map<String, Long> rows, boolean complete) {
    }

    private SqlScript() {
    }

    /** Executes the script on the connection (in the caller's transaction); returns rows loaded per table. */
    public static Summary load(InputStream in, Connection c, Progress progress) throws IOException, SQLException {
        CopyManager copy = c.unwrap(PGConnection.class).getCopyAPI();
        return run(in, (statement, copyTarget, lines) -> {
            if (copyTarget == null) {
                try (Statement s = c.createStatement()) {
                    s.execute(statement);
                } catch (SQLException e) {
                    throw new SQLException(Ops.reason(e) + " (in: " + head(statement) + ")", e.getSQLState(), e);
                }
                return 0;
            }
            CopyIn ci;
            try {
                ci = copy.copyIn(statement);
            } catch (SQLException e) {
                throw new SQLException(Ops.reason(e) + " (in: " + head(statement) + ")", e.getSQLState(), e);
            }
            try {
                byte[] buffer = new byte[1 << 16];
                int used = 0;
                String line;
                while ((line = lines.next()) != null) {
                    byte[] bytes = (line + "\n").getBytes(StandardCharsets.UTF_8);
                    if (used + bytes.length > buffer.length) {
                        ci.writeToCopy(buffer, 0, used);
                        used = 0;
                    }
                    if (bytes.length > buffer.length) {
                        ci.writeToCopy(bytes, 0, bytes.length);
                    } else {
                        System.arraycopy(bytes, 0, buffer, used, bytes.length);
                        used += bytes.length;
                    }
                }
                if (used > 0) {
                    ci.writeToCopy(buffer, 0, used);
                }
                return ci.endCopy();
            } finally {
                if (ci.isActive()) {
                    ci.cancelCopy();
                }
            }
        }, progress);
    }

    /** Reads the script without executing it (for {@code backup verify}). */
    public static Summary scan(InputStream in) throws IOException {
        try {
            return run(in, (statement, copyTarget, lines) -> {
                long n = 0;
                while (copyTarget != null && lines.next() != null) {
                    n++;
                }
                return n;
            }, null);
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    interface Lines {
        /** The next data line of the current COPY, null at its {@code \.}. */
        String next() throws IOException;
    }

    interface Executor {
        long execute(String statement, String copyTarget, Lines lines) throws IOException, SQLException;
    }

    private static Summary run(InputStream in, Executor executor, Progress progress) throws IOException, SQLException {
        BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8), 1 << 16);
        Lexer lexer = new Lexer();
        Map<String, Long> rows = new LinkedHashMap<>();
        int statements = 0;
        boolean sawEnd = false;
        String line;
        int lineNo = 0;
        while ((line = reader.readLine()) != null) {
            lineNo++;
            if (line.equals("-- end of dump") || line.startsWith("-- PostgreSQL database dump complete")) {
                sawEnd = true;
            }
            if (lexer.atStatementStart() && line.startsWith("\\")) {
                continue; // psql meta-command
            }
            for (String statement : lexer.feed(line)) {
                statements++;
                Matcher m = COPY_FROM_STDIN.matcher(statement);
                if (!m.matches()) {
                    executor.execute(statement, null, null);
                    continue;
                }
                String target = m.group(1).replace("\"", "");
                int[] copyLines = {lineNo};
                boolean[] ended = {false};
                long n = executor.execute(statement, target, () -> {
                    if (ended[0]) {
                        return null;
                    }
                    String data = reader.readLine();
                    copyLines[0]++;
                    if (data == null) {
                        throw new IOException("the dump ends inside the data of " + target + " (truncated)");
                    }
                    if (data.equals("\\.")) {
                        ended[0] = true;
                        return null;
                    }
                    return data;
                });
                if (!ended[0]) {
                    throw new IOException("the data of " + target + " is not terminated by \\.");
                }
                lineNo = copyLines[0];
                rows.merge(target, n, Long::sum);
                if (progress != null && rows.size() % 10 == 0) {
                    progress.step("  loaded " + rows.size() + " tables");
                }
            }
        }
        if (!lexer.atStatementStart()) {
            throw new IOException("the dump ends inside a statement (truncated)");
        }
        return new Summary(statements, rows, sawEnd);
    }

    /** Splits SQL text into statements, line by line. */
    static final class Lexer {
        private enum State { NORMAL, SINGLE, ESCAPE_STRING, DOUBLE, DOLLAR, BLOCK_COMMENT }

        private final StringBuilder current = new StringBuilder();
        private State state = State.NORMAL;
        private String dollarTag;
        private int commentDepth;

        boolean atStatementStart() {
            return state == State.NORMAL && current.toString().isBlank();
        }

        /** Feeds one line (without its line break); returns the statements it completed. */
        List<String> feed(String line) {
            List<String> done = new ArrayList<>();
            int i = 0;
            int n = line.length();
            while (i < n) {
                char ch = line.charAt(i);
                switch (state) {
                    case NORMAL -> {
                        if (ch == '-' && i + 1 < n && line.charAt(i + 1) == '-') {
                            i = n; // line comment: dropped
                            continue;
                        }
                        if (ch == '/' && i + 1 < n && line.charAt(i + 1) == '*') {
                            state = State.BLOCK_COMMENT;
                            commentDepth = 1;
                            i += 2;
                            continue;
                        }
                        if (ch == '\'') {
                            boolean escape = i > 0 && (line.charAt(i - 1) == 'E' || line.charAt(i - 1) == 'e')
                                    && (i < 2 || !isIdentChar(line.charAt(i - 2)));
                            state = escape ? State.ESCAPE_STRING : State.SINGLE;
                        } else if (ch == '"') {
                            state = State.DOUBLE;
                        } else if (ch == '$' && (i == 0 || !isIdentChar(line.charAt(i - 1)))) {
                            Matcher m = DOLLAR_TAG.matcher(line).region(i, n);
                            if (m.lookingAt()) {
                                dollarTag = m.group();
                                state = State.DOLLAR;
                                current.append(dollarTag);
                                i += dollarTag.length();
                                continue;
                            }
                        } else if (ch == ';') {
                            current.append(';');
                            String statement = current.toString().strip();
                            current.setLength(0);
                            if (!statement.equals(";")) {
                                done.add(statement);
                            }
                            i++;
                            continue;
                        }
                        current.append(ch);
                        i++;
                    }
                    case SINGLE, DOUBLE -> {
                        char quote = state == State.SINGLE ? '\'' : '"';
                        current.append(ch);
                        if (ch == quote) {
                            if (i + 1 < n && line.charAt(i + 1) == quote) {
                                current.append(quote);
                                i += 2;
                                continue;
                            }
                            state = State.NORMAL;
                        }
                        i++;
                    }
                    case ESCAPE_STRING -> {
                        current.append(ch);
                        if (ch == '\\' && i + 1 < n) {
                            current.append(line.charAt(i + 1));
                            i += 2;
                            continue;
                        }
                        if (ch == '\'') {
                            if (i + 1 < n && line.charAt(i + 1) == '\'') {
                                current.append('\'');
                                i += 2;
                                continue;
                            }
                            state = State.NORMAL;
                        }
                        i++;
                    }
                    case DOLLAR -> {
                        if (ch == '$' && line.startsWith(dollarTag, i)) {
                            current.append(dollarTag);
                            i += dollarTag.length();
                            state = State.NORMAL;
                            continue;
                        }
                        current.append(ch);
                        i++;
                    }
                    case BLOCK_COMMENT -> {
                        if (ch == '/' && i + 1 < n && line.charAt(i + 1) == '*') {
                            commentDepth++;
                            i += 2;
                        } else if (ch == '*' && i + 1 < n && line.charAt(i + 1) == '/') {
                            commentDepth--;
                            i += 2;
                            if (commentDepth == 0) {
                                state = State.NORMAL;
                                current.append(' ');
                            }
                        } else {
                            i++;
                        }
                    }
                    default -> throw new IllegalStateException();
                }
            }
            if (state != State.BLOCK_COMMENT && !(state == State.NORMAL && current.isEmpty())) {
                current.append('\n');
            }
            return done;
        }

        private static boolean isIdentChar(char c) {
            return Character.isLetterOrDigit(c) || c == '_' || c == '$';
        }
    }

    /** For messages: the start of a statement on one line. */
    static String head(String statement) {
        String s = statement.replaceAll("\\s+", " ").strip();
        return s.length() > 100 ? s.substring(0, 100) + "…" : s;
    }
}
