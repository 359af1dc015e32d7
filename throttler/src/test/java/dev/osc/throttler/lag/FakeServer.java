package dev.osc.throttler.lag;

import dev.osc.throttler.ConnectionSource;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A server for unit tests, faked at the JDBC level with proxies: each SQL text (with its bind
 * parameters) gets rows or an error from a handler, and the test can make connecting fail.
 * Only the few JDBC methods this package uses do anything.
 */
final class FakeServer implements ConnectionSource {

    /** Answers one statement: the rows (column label to value), or throws. */
    @FunctionalInterface
    interface Handler {
        List<Map<String, Object>> answer(String sql, List<Object> params) throws SQLException;
    }

    private final String version;
    private volatile Handler handler = (sql, params) -> List.of();
    private volatile SQLException refuseConnections;
    private final AtomicInteger opened = new AtomicInteger();
    private final List<Connection> open = new CopyOnWriteArrayList<>();
    final List<String> executed = new CopyOnWriteArrayList<>();

    FakeServer(String version) {
        this.version = version;
    }

    FakeServer answer(Handler h) {
        this.handler = h;
        return this;
    }

    /** Every open() fails with {@code e} until called with null. */
    void refuse(SQLException e) {
        this.refuseConnections = e;
    }

    int opened() {
        return opened.get();
    }

    int openNow() {
        return open.size();
    }

    @Override
    public Connection open() throws SQLException {
        SQLException refuse = refuseConnections;
        if (refuse != null) {
            throw refuse;
        }
        opened.incrementAndGet();
        Connection c = proxy(Connection.class, new ConnectionHandler());
        open.add(c);
        return c;
    }

    static Map<String, Object> row(Object... labelsAndValues) {
        Map<String, Object> row = new HashMap<>();
        for (int i = 0; i < labelsAndValues.length; i += 2) {
            row.put((String) labelsAndValues[i], labelsAndValues[i + 1]);
        }
        return row;
    }

    private final class ConnectionHandler implements InvocationHandler {
        private boolean closed;

        @Override
        public Object invoke(Object self, Method m, Object[] args) throws SQLException {
            switch (m.getName()) {
                case "close" -> {
                    closed = true;
                    open.remove((Connection) self);
                    return null;
                }
                case "isClosed" -> {
                    return closed;
                }
                case "getMetaData" -> {
                    return proxy(DatabaseMetaData.class, (p, mm, a) ->
                            mm.getName().equals("getDatabaseProductVersion") ? version : defaultValue(mm));
                }
                case "createStatement" -> {
                    return proxy(Statement.class, new StatementHandler(null));
                }
                case "prepareStatement" -> {
                    return proxy(PreparedStatement.class, new StatementHandler((String) args[0]));
                }
                case "hashCode" -> {
                    return System.identityHashCode(self);
                }
                case "equals" -> {
                    return self == args[0];
                }
                default -> {
                    return defaultValue(m);
                }
            }
        }
    }

    private final class StatementHandler implements InvocationHandler {
        private final String prepared;
        private final List<Object> params = new ArrayList<>();

        StatementHandler(String prepared) {
            this.prepared = prepared;
        }

        @Override
        public Object invoke(Object self, Method m, Object[] args) throws SQLException {
            switch (m.getName()) {
                case "setString", "setLong", "setInt" -> {
                    int index = (Integer) args[0];
                    while (params.size() < index) {
                        params.add(null);
                    }
                    params.set(index - 1, args[1]);
                    return null;
                }
                case "executeQuery" -> {
                    return resultSet(run(args));
                }
                case "executeUpdate" -> {
                    run(args);
                    return 1;
                }
                case "execute" -> {
                    run(args);
                    return false;
                }
                default -> {
                    return defaultValue(m);
                }
            }
        }

        private List<Map<String, Object>> run(Object[] args) throws SQLException {
            String sql = prepared != null ? prepared : (String) args[0];
            executed.add(sql);
            return handler.answer(sql, Collections.unmodifiableList(new ArrayList<>(params)));
        }
    }

    private static ResultSet resultSet(List<Map<String, Object>> rows) {
        int[] at = {-1};
        return proxy(ResultSet.class, (self, m, args) -> switch (m.getName()) {
            case "next" -> ++at[0] < rows.size();
            case "getLong" -> ((Number) value(rows.get(at[0]), args[0])).longValue();
            case "getInt" -> ((Number) value(rows.get(at[0]), args[0])).intValue();
            case "getString" -> {
                Object v = value(rows.get(at[0]), args[0]);
                yield v == null ? null : v.toString();
            }
            default -> defaultValue(m);
        });
    }

    /** By label; by index only for single-column rows, as a map keeps no column order. */
    private static Object value(Map<String, Object> row, Object column) {
        if (column instanceof Integer) {
            return row.values().iterator().next();
        }
        return row.get((String) column);
    }

    private static Object defaultValue(Method m) {
        Class<?> t = m.getReturnType();
        if (t == boolean.class) {
            return false;
        }
        if (t == int.class) {
            return 0;
        }
        if (t == long.class) {
            return 0L;
        }
        return null;
    }

    @SuppressWarnings("unchecked")
    private static <T> T proxy(Class<T> type, InvocationHandler h) {
        InvocationHandler unwrapping = (self, m, args) -> {
            try {
                return h.invoke(self, m, args);
            } catch (InvocationTargetException e) {
                throw e.getCause();
            }
        };
        return (T) Proxy.newProxyInstance(FakeServer.class.getClassLoader(), new Class<?>[]{type}, unwrapping);
    }
}
