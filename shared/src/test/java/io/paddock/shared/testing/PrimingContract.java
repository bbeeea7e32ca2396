package io.paddock.shared.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.paddock.shared.auth.AccessTokens;
import io.paddock.shared.auth.Principal;
import io.paddock.shared.db.Database;
import io.paddock.shared.snapshot.Priming;
import io.paddock.shared.snapshot.SnapshotHooks;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.Select;

/**
 * What every function's SnapStart priming must do, through the function's real Lambda handler on the real
 * stores: each of its requests is answered as it declares (so each reached the route it was meant to
 * prime), and together they store nothing — no row in any PostgreSQL table, no item in any DynamoDB table.
 * One subclass per function (a {@code @QuarkusTest} on the embedded stores).
 */
public abstract class PrimingContract {

    @Inject
    protected SnapshotHooks hooks;

    @Inject
    protected Database database;

    @Inject
    protected DynamoDbClient dynamo;

    @Inject
    protected AccessTokens accessTokens;

    @Test
    void everyPrimingRequestIsAnsweredAsItsFunctionDeclares() {
        Priming.Report report = hooks.prime().orElseThrow(() -> new AssertionError("no Lambda handler to prime through"));
        assertFalse(report.outcomes().isEmpty(), "the function declares no priming request");
        assertTrue(report.allAsExpected(), report.toString());
    }

    @Test
    void primingStoresNothingInAnyTable() throws SQLException {
        Map<String, Long> before = rowsAndItems();
        Priming.Report report = hooks.prime().orElseThrow();
        assertEquals(before, rowsAndItems(), "priming stored something (" + report + ")");
    }

    @Test
    void primingClosesItsSignInSoNoPrimingTokenOutlivesIt() {
        hooks.prime().orElseThrow();
        // Only one priming sign-in can be open at a time: opening one now proves priming closed its own.
        try (AccessTokens.PrimingSignIn next = accessTokens.signInForPriming()) {
            assertEquals(AccessTokens.PRIMING_USER, accessTokens.verify(next.token(Principal.USER)).userId());
        }
    }

    /** Rows of every PostgreSQL table and items of every DynamoDB table, by name. */
    private Map<String, Long> rowsAndItems() throws SQLException {
        Map<String, Long> counts = new TreeMap<>();
        try (Connection c = database.dataSource().getConnection(); Statement s = c.createStatement()) {
            List<String> tables = new ArrayList<>();
            try (ResultSet r = s.executeQuery("SELECT format('%I.%I', schemaname, relname) FROM pg_stat_user_tables")) {
                while (r.next()) {
                    tables.add(r.getString(1));
                }
            }
            for (String table : tables) {
                try (ResultSet r = s.executeQuery("SELECT count(*) FROM " + table)) {
                    r.next();
                    counts.put("postgres:" + table, r.getLong(1));
                }
            }
        }
        for (String table : dynamo.listTables().tableNames()) {
            counts.put("dynamodb:" + table, (long) dynamo.scan(b -> b.tableName(table).select(Select.COUNT)).count());
        }
        return counts;
    }
}
