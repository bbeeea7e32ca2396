package io.paddock.feed;

import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A statement written with {@code :name} parameters, so that a query using one value in many places
 * (the home feed uses the viewer seven times) names it instead of counting question marks. JDBC gets
 * {@link #sql()}: the same text with a {@code ?} for each use, bound in order by {@link #bind} — the
 * statement PostgreSQL sees and plans is exactly what positional parameters would send.
 *
 * <p>A name is a letter followed by letters or digits. Text inside single or double quotes is left
 * alone, and so are casts ({@code ::uuid}). Binding needs a value for every name and refuses a value
 * that names nothing, so a misspelt name fails the first query instead of binding the wrong value.
 */
record NamedSql(String sql, List<String> names) {

    static NamedSql of(String text) {
        StringBuilder sql = new StringBuilder(text.length());
        List<String> names = new ArrayList<>();
        char quote = 0;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (quote != 0) {
                if (c == quote) {
                    quote = 0;
                }
                sql.append(c);
            } else if (c == '\'' || c == '"') {
                quote = c;
                sql.append(c);
            } else if (c == ':' && i + 1 < text.length() && Character.isLetter(text.charAt(i + 1))
                    && (i == 0 || text.charAt(i - 1) != ':')) {
                int end = i + 1;
                while (end < text.length() && Character.isLetterOrDigit(text.charAt(end))) {
                    end++;
                }
                names.add(text.substring(i + 1, end));
                sql.append('?');
                i = end - 1;
            } else {
                sql.append(c);
            }
        }
        if (quote != 0) {
            throw new IllegalArgumentException("unterminated quote in " + text);
        }
        return new NamedSql(sql.toString(), List.copyOf(names));
    }

    /** The values in the order of their {@code ?}s. */
    Object[] positional(Map<String, ?> values) {
        Set<String> unused = new HashSet<>(values.keySet());
        Object[] out = new Object[names.size()];
        for (int i = 0; i < out.length; i++) {
            String name = names.get(i);
            if (!values.containsKey(name)) {
                throw new IllegalArgumentException("no value for :" + name);
            }
            out[i] = values.get(name);
            unused.remove(name);
        }
        if (!unused.isEmpty()) {
            throw new IllegalArgumentException("no parameter named " + unused);
        }
        return out;
    }

    void bind(PreparedStatement s, Map<String, ?> values) throws SQLException {
        FeedQueries.bind(s, positional(values));
    }
}
