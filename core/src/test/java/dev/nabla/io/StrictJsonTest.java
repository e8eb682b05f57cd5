package dev.nabla.io;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class StrictJsonTest {
    @Test
    void parsesTheJsonGrammar() {
        Object v = StrictJson.parse(" {\"a\":[1,-0.5e3,true,false,null,\"x\\u00e9\\n\\\"\"],\"b\":{}} ", 4);
        Map<?, ?> m = (Map<?, ?>) v;
        List<?> a = (List<?>) m.get("a");
        assertEquals(1L, ((StrictJson.Number) a.get(0)).longValue());
        assertEquals(null, ((StrictJson.Number) a.get(1)).longValue());
        assertEquals("-0.5e3", a.get(1).toString());
        assertEquals(Boolean.TRUE, a.get(2));
        assertEquals(StrictJson.NULL, a.get(4));
        assertEquals("x\u00e9\n\"", a.get(5));
        assertEquals(Map.of(), m.get("b"));
        assertEquals(null, ((StrictJson.Number) StrictJson.parse("99999999999999999999", 1)).longValue());
    }

    @Test
    void refusesWhatLenientParsersAccept() {
        for (String bad : new String[] {"{\"a\":1,}", "[1,]", "{'a':1}", "{\"a\":01}", "{\"a\":NaN}", "{\"a\":1}//",
                "{\"a\":1,\"a\":2}", "{\"a\":\"\t\"}", "{\"a\":\"\\x\"}", "{\"a\":.5}", "{\"a\":1.}", "{\"a\":+1}",
                "[[[[[1]]]]]", "", "{\"a\"}", "tru", "{\"a\":1}{"}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> StrictJson.parse(bad, 4),
                    bad);
            assertTrue(e.getMessage().contains("at character"), e.getMessage());
        }
    }
}
