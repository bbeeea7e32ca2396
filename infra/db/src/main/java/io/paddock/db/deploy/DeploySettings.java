package io.paddock.db.deploy;

import io.paddock.db.Migrations;
import java.util.Map;
import java.util.Optional;

/**
 * The custom resource's environment, read per invocation (a bad value must become a FAILED answer, and an
 * exception at init would answer nothing):
 * <ul>
 * <li>{@code DATABASE_URL}: the cluster's <em>writer</em> endpoint, e.g.
 *     {@code jdbc:postgresql://writer:5432/paddock?sslmode=require}. Not RDS Proxy: DDL and Flyway's session
 *     advisory lock pin a proxied connection, and the proxy logs in as the application, not the owner.
 *     A user and password in it (user:pass@host) give way to the admin secret's.</li>
 * <li>{@code DATABASE_ADMIN_SECRET_ARN}: the master (schema owner) login, JSON username/password.</li>
 * <li>{@code DATABASE_APP_LOGIN_SECRET_ARN} (optional): the application's login, the same secret RDS Proxy
 *     uses; when set, that role is created or brought in line after migrating.</li>
 * </ul>
 */
record DeploySettings(Migrations.Target database, String adminSecretId, Optional<String> appLoginSecretId) {

    static DeploySettings from(Map<String, String> env) {
        String url = env.get("DATABASE_URL");
        if (url == null || url.isBlank()) {
            throw new IllegalArgumentException("DATABASE_URL is not set (jdbc:postgresql://writer-endpoint:5432/paddock?sslmode=require)");
        }
        Migrations.Target database;
        try {
            database = Migrations.Target.parse(url);
        } catch (IllegalArgumentException e) {
            // "database URL must start with ...": the parser never echoes the value, so nor does this
            throw new IllegalArgumentException(e.getMessage().replaceFirst("^database URL", "DATABASE_URL"));
        }
        String admin = env.get("DATABASE_ADMIN_SECRET_ARN");
        if (admin == null || admin.isBlank()) {
            throw new IllegalArgumentException("DATABASE_ADMIN_SECRET_ARN is not set (the secret of the database's master user)");
        }
        String app = env.get("DATABASE_APP_LOGIN_SECRET_ARN");
        return new DeploySettings(database, admin.strip(),
                Optional.ofNullable(app).map(String::strip).filter(s -> !s.isEmpty()));
    }
}
