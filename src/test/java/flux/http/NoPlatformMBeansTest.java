package flux.http;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import javax.management.MBeanServerFactory;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class NoPlatformMBeansTest {
    private String before;

    @BeforeEach
    void clear() {
        before = System.clearProperty(NoPlatformMBeans.PROPERTY);
    }

    @AfterEach
    void restore() {
        if (before == null) {
            System.clearProperty(NoPlatformMBeans.PROPERTY);
        } else {
            System.setProperty(NoPlatformMBeans.PROPERTY, before);
        }
    }

    @Test
    void noMBeanServerIsBuiltOnceInstalled() {
        NoPlatformMBeans.install();
        assertEquals(NoPlatformMBeans.class.getName(), System.getProperty(NoPlatformMBeans.PROPERTY));
        // what XNIO's first registration would build: refused, and XNIO goes on without its MBeans
        Exception refused = assertThrows(RuntimeException.class, MBeanServerFactory::newMBeanServer);
        assertTrue(String.valueOf(refused.getMessage()).contains("without an MBean server")
                || String.valueOf(refused.getCause()).contains("without an MBean server"), refused.toString());
    }

    @Test
    void aBuilderTheUserNamedStays() {
        System.setProperty(NoPlatformMBeans.PROPERTY, "javax.management.MBeanServerBuilder");
        NoPlatformMBeans.install();
        assertEquals("javax.management.MBeanServerBuilder", System.getProperty(NoPlatformMBeans.PROPERTY));
        assertNotNull(MBeanServerFactory.newMBeanServer());
    }
}
