package flux.engine;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertFalse;

class BtAssignmentsTest {
    @Test
    void aPeerBtHasAssignedNothingHasNoPieces() throws Exception {
        // were bt's assignment not readable any more, this would be taken as present
        assertFalse(BtAssignments.hasPieces(BtConnections.state()), "bt 1.10's assignment is read");
    }
}
