package flux.http;

import javax.management.MBeanServer;
import javax.management.MBeanServerBuilder;
import javax.management.MBeanServerDelegate;

/**
 * The JVM's MBean server builder while flux runs, unless the user names another with
 * {@code -Djavax.management.builder.initial=...}: it builds none. XNIO, under Undertow, registers
 * an MBean for its worker and another for each listener, and the first registration builds the
 * JVM's whole platform MBean server (every memory, thread and collector bean, introspected by
 * reflection): ~60 of the ~145 ms the HTTP server took to start, on the core bt was being wired
 * on. XNIO gives up quietly when registration fails; flux itself exposes nothing over JMX.
 */
public final class NoPlatformMBeans extends MBeanServerBuilder {
    static final String PROPERTY = "javax.management.builder.initial";

    /** Makes this the JVM's builder unless one is set; before the first MBean server is built. */
    static void install() {
        System.getProperties().putIfAbsent(PROPERTY, NoPlatformMBeans.class.getName());
    }

    @Override
    public MBeanServerDelegate newMBeanServerDelegate() {
        throw refusal();
    }

    @Override
    public MBeanServer newMBeanServer(String defaultDomain, MBeanServer outer, MBeanServerDelegate delegate) {
        throw refusal();
    }

    private static UnsupportedOperationException refusal() {
        return new UnsupportedOperationException("flux runs without an MBean server; start it with -D"
                + PROPERTY + "=javax.management.MBeanServerBuilder for one");
    }
}
