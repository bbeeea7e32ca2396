package io.paddock.embedded;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.paddock.db.Migrations;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import org.junit.jupiter.api.Test;

class EmbeddedStoresTest {

    @Test
    void postgresStopsAndStartsAgainWithItsDataOnItsPort() throws Exception {
        try (EmbeddedStores stores = EmbeddedStores.start(EmbeddedStores.Options.ephemeral())) {
            String url = stores.databaseUrl();
            try (Connection c = Migrations.connect(url); Statement s = c.createStatement()) {
                s.execute("CREATE TABLE kept (n int)");
                s.execute("INSERT INTO kept VALUES (42)");
            }
            stores.stopPostgres();
            assertThrows(SQLException.class, () -> Migrations.connect(url).close(), "nothing answers while stopped");
            stores.startPostgres();
            try (Connection c = Migrations.connect(url); Statement s = c.createStatement();
                    ResultSet rs = s.executeQuery("SELECT n FROM kept")) {
                rs.next();
                assertEquals(42, rs.getInt(1));
            }
        }
    }

    @Test
    void dynamoDbStopsAndStartsAgainWithTheTemplatesTables() {
        try (EmbeddedStores stores = EmbeddedStores.start(EmbeddedStores.Options.ephemeral())) {
            stores.stopDynamo();
            try (var client = stores.dynamoDbClient()) {
                assertThrows(RuntimeException.class, client::listTables, "nothing answers while stopped");
            }
            stores.startDynamo();
            try (var client = stores.dynamoDbClient()) {
                assertEquals(3, client.listTables().tableNames().size(), client.listTables().tableNames().toString());
            }
        }
    }
}
