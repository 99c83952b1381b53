package flux.engine;

import bt.torrent.messaging.ConnectionState;
import org.junit.jupiter.api.Test;

import java.lang.reflect.Constructor;

import static org.junit.jupiter.api.Assertions.assertFalse;

class BtAssignmentsTest {
    @Test
    void aPeerBtHasAssignedNothingHasNoPieces() throws Exception {
        Constructor<ConnectionState> constructor = ConnectionState.class.getDeclaredConstructor();
        constructor.setAccessible(true);
        // were bt's assignment not readable any more, this would be taken as present
        assertFalse(BtAssignments.hasPieces(constructor.newInstance()), "bt 1.10's assignment is read");
    }
}
