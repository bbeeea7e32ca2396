package io.paddock.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.objectweb.asm.ClassReader;
import org.objectweb.asm.ClassVisitor;
import org.objectweb.asm.Label;
import org.objectweb.asm.MethodVisitor;
import org.objectweb.asm.Opcodes;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.dynamodb.model.DynamoDbException;

/**
 * A store failure becomes the contract's 503 with Retry-After in one place (the shared {@code ProblemMappers}):
 * no resource catches a {@link SQLException}, a DynamoDB {@link SdkException} (or a subclass of either) or
 * everything at once ({@code Exception}, {@code RuntimeException}, {@code Throwable}, which would swallow both)
 * itself. Read from the bytecode of every class that serves a route, so a catch in a lambda or a private
 * helper of the resource counts too.
 */
class StoreFailureMappingTest {

    static final Set<String> CATCH_ALLS = Set.of("java/lang/Exception", "java/lang/RuntimeException", "java/lang/Throwable");

    @Test
    void noResourceCatchesAStoreFailureItself() throws IOException {
        Set<String> resources = new TreeSet<>();
        RouteParityTest.routeMethods().values().forEach(m -> resources.add(m.declaringClass().name().toString()));
        assertTrue(resources.size() >= 8, "resource classes found: " + resources);
        List<String> found = new ArrayList<>();
        for (String resource : resources) {
            found.addAll(storeCatches(resource));
        }
        assertEquals(List.of(), found, "let these reach the mapper: declare `throws SQLException` instead");
    }

    /** The check must see each kind of catch, or a green run means nothing. */
    @Test
    void theCheckSeesACatchOfEachKind() throws IOException {
        List<String> found = storeCatches(CatchesStoreFailures.class.getName());
        assertEquals(List.of(
                "CatchesStoreFailures#all catches java.lang.Exception",
                "CatchesStoreFailures#dynamo catches software.amazon.awssdk.services.dynamodb.model.DynamoDbException",
                "CatchesStoreFailures#lambda$inALambda$0 catches java.sql.SQLException",
                "CatchesStoreFailures#postgres catches java.sql.SQLException"), found.stream().sorted().toList());
        assertEquals(List.of(), storeCatches(CatchesOnlyItsOwn.class.getName()));
    }

    static List<String> storeCatches(String className) throws IOException {
        List<String> found = new ArrayList<>();
        String simple = className.substring(className.lastIndexOf('.') + 1).replaceFirst(".*\\$", "");
        try (InputStream in = StoreFailureMappingTest.class.getClassLoader()
                .getResourceAsStream(className.replace('.', '/') + ".class")) {
            if (in == null) {
                throw new IOException("no class file for " + className);
            }
            new ClassReader(in).accept(new ClassVisitor(Opcodes.ASM9) {
                @Override
                public MethodVisitor visitMethod(int access, String name, String descriptor, String signature, String[] exceptions) {
                    return new MethodVisitor(Opcodes.ASM9) {
                        @Override
                        public void visitTryCatchBlock(Label start, Label end, Label handler, String type) {
                            if (type != null && isStoreFailure(type)) {
                                String line = simple + "#" + name + " catches " + type.replace('/', '.');
                                if (!found.contains(line)) {
                                    found.add(line);
                                }
                            }
                        }
                    };
                }
            }, ClassReader.SKIP_DEBUG | ClassReader.SKIP_FRAMES);
        }
        return found;
    }

    private static boolean isStoreFailure(String internalName) {
        if (CATCH_ALLS.contains(internalName)) {
            return true;
        }
        try {
            Class<?> caught = Class.forName(internalName.replace('/', '.'), false, StoreFailureMappingTest.class.getClassLoader());
            return SQLException.class.isAssignableFrom(caught) || SdkException.class.isAssignableFrom(caught);
        } catch (ClassNotFoundException e) {
            throw new IllegalStateException("a resource catches " + internalName + ", which is not on the classpath", e);
        }
    }

    /** What the check must refuse. */
    @SuppressWarnings("unused")
    static class CatchesStoreFailures {
        interface Work {
            void run() throws SQLException;
        }

        void postgres(Work work) {
            try {
                work.run();
            } catch (SQLException e) {
                throw new IllegalStateException(e);
            }
        }

        void dynamo(Runnable work) {
            try {
                work.run();
            } catch (DynamoDbException e) {
                throw new IllegalStateException(e);
            }
        }

        void all(Work work) {
            try {
                work.run();
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }

        Runnable inALambda(Work work) {
            return () -> {
                try {
                    work.run();
                } catch (SQLException e) {
                    throw new IllegalStateException(e);
                }
            };
        }
    }

    /** What it must let be: a resource turning its own domain outcome into an answer. */
    @SuppressWarnings("unused")
    static class CatchesOnlyItsOwn {
        static class Refused extends Exception {
        }

        interface Work {
            void run() throws Refused, SQLException;
        }

        void login(Work work) throws SQLException {
            try {
                work.run();
            } catch (Refused refused) {
                throw new IllegalArgumentException("401");
            } finally {
                work.hashCode();
            }
        }
    }
}
