package io.paddock.shared.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import jakarta.ws.rs.WebApplicationException;
import java.math.BigDecimal;
import java.util.List;
import org.eclipse.microprofile.openapi.OASFactory;
import org.eclipse.microprofile.openapi.models.media.Schema;
import org.eclipse.microprofile.openapi.models.parameters.Parameter;
import org.junit.jupiter.api.Test;

class QueryParamsTest {

    static Parameter documented(String name, Parameter.In in) {
        Parameter parameter = OASFactory.createParameter().name(name).in(in)
                .schema(OASFactory.createSchema().type(List.of(Schema.SchemaType.STRING)));
        QueryParams.document(parameter);
        return parameter;
    }

    @Test
    void limitIsDocumentedAsTheWholeNumbersItAccepts() {
        Schema limit = documented("limit", Parameter.In.QUERY).getSchema();
        assertEquals(List.of(Schema.SchemaType.INTEGER), limit.getType());
        assertEquals(BigDecimal.ONE, limit.getMinimum());
        assertEquals(BigDecimal.valueOf(QueryParams.MAX_LIMIT), limit.getMaximum());
        assertEquals(QueryParams.DEFAULT_LIMIT, limit.getDefaultValue());
        // and what the document says is what the parser does
        assertEquals(QueryParams.DEFAULT_LIMIT, QueryParams.limit(null));
        assertEquals(QueryParams.MAX_LIMIT, QueryParams.limit("" + QueryParams.MAX_LIMIT));
        assertThrows(WebApplicationException.class, () -> QueryParams.limit("" + (QueryParams.MAX_LIMIT + 1)));
        assertThrows(WebApplicationException.class, () -> QueryParams.limit("0"));
    }

    @Test
    void rangesAreDateTimesAndIdsAreUuids() {
        assertEquals("date-time", documented("from", Parameter.In.QUERY).getSchema().getFormat());
        assertEquals("date-time", documented("to", Parameter.In.QUERY).getSchema().getFormat());
        assertEquals("#/components/schemas/UUID", documented("postId", Parameter.In.PATH).getSchema().getRef());
        assertEquals("#/components/schemas/UUID", documented("userId", Parameter.In.QUERY).getSchema().getRef());
    }

    @Test
    void headersAndParametersItDoesNotParseAreLeftAsDeclared() {
        assertEquals(List.of(Schema.SchemaType.STRING), documented("limit", Parameter.In.HEADER).getSchema().getType());
        Parameter surface = documented("surface", Parameter.In.QUERY);
        assertEquals(List.of(Schema.SchemaType.STRING), surface.getSchema().getType());
        assertNull(surface.getDescription());
    }
}
