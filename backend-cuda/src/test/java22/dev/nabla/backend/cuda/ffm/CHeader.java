package dev.nabla.backend.cuda.ffm;

import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_DOUBLE;
import static java.lang.foreign.ValueLayout.JAVA_FLOAT;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

/**
 * Just enough of C to read function prototypes out of a preprocessed header and say what FFM
 * layout each parameter has on x86-64 Linux (LP64): typedef chains, enums, pointers, the integer
 * and floating types.
 */
final class CHeader {
    private static final Pattern TYPEDEF = Pattern.compile("typedef\\s+([^;{}()]+?)\\s*\\b(\\w+)\\s*;");
    private static final Pattern ENUM = Pattern.compile("typedef\\s+enum\\s*\\w*\\s*\\{[^}]*\\}\\s*(\\w+)\\s*;");
    private static final Pattern STRUCT_BODY = Pattern.compile("typedef\\s+(struct|union)\\s*\\w*\\s*\\{");

    private final String text;
    private final Map<String, String> typedefs = new HashMap<>();

    CHeader(String preprocessed) {
        this.text = preprocessed.replaceAll("\\s+", " ");
        Matcher e = ENUM.matcher(text);
        while (e.find()) {
            typedefs.put(e.group(1), "int");
        }
        Matcher t = TYPEDEF.matcher(text);
        while (t.find()) {
            typedefs.putIfAbsent(t.group(2), t.group(1).trim());
        }
        // typedef struct { ... } NAME; : a struct value (never passed by value here): mark it.
        Matcher s = STRUCT_BODY.matcher(text);
        while (s.find()) {
            int close = text.indexOf('}', s.end());
            if (close > 0) {
                Matcher name = Pattern.compile("\\}\\s*(\\w+)").matcher(text.substring(close));
                if (name.lookingAt()) {
                    typedefs.putIfAbsent(name.group(1), "struct-value");
                }
            }
        }
    }

    /** The prototype of a function: return type and parameter declarations, if declared. */
    Optional<List<String>> prototype(String function) {
        Matcher m = Pattern.compile("([\\w \\*]+?)\\b" + Pattern.quote(function) + "\\s*\\(([^()]*)\\)\\s*[;a-z_]")
                .matcher(text);
        if (!m.find()) {
            return Optional.empty();
        }
        List<String> parts = new ArrayList<>();
        String ret = m.group(1).trim();
        ret = ret.replaceAll("^(extern|static|inline)\\s+", "").trim();
        String[] words = ret.split(" ");
        parts.add(words[words.length - 1]);
        String params = m.group(2).trim();
        if (!params.isEmpty() && !params.equals("void")) {
            for (String p : params.split(",")) {
                parts.add(p.trim());
            }
        }
        return Optional.of(parts);
    }

    /** The layout of a parameter declaration ("const void *src", "CUdeviceptr dptr") or a bare type. */
    MemoryLayout layout(String declaration) {
        String d = declaration.replaceAll("\\bconst\\b|\\bvolatile\\b|\\brestrict\\b|\\b__restrict\\b", " ").trim();
        if (d.contains("*") || d.contains("[")) {
            return ADDRESS;
        }
        String[] words = d.split("\\s+");
        // A declaration is "type... name"; a lone word or a known type ending is a bare type.
        String type = words.length > 1 && !isTypeWord(words[words.length - 1]) ? d.substring(0, d.lastIndexOf(' ')).trim() : d;
        return resolve(type, 0);
    }

    private static boolean isTypeWord(String w) {
        return List.of("int", "long", "short", "char", "unsigned", "signed", "float", "double").contains(w);
    }

    private MemoryLayout resolve(String type, int depth) {
        if (depth > 20) {
            throw new IllegalArgumentException("typedef cycle at " + type);
        }
        String t = type.replaceAll("\\s+", " ").trim();
        if (t.contains("*")) {
            return ADDRESS;
        }
        switch (t) {
            case "int", "signed int", "unsigned int", "unsigned", "signed" -> {
                return JAVA_INT;
            }
            case "char", "signed char", "unsigned char" -> {
                return JAVA_BYTE;
            }
            case "short", "unsigned short", "short int", "unsigned short int" -> {
                return JAVA_SHORT;
            }
            case "long", "unsigned long", "long int", "long unsigned int", "unsigned long int", "long long",
                 "unsigned long long", "long long int", "long long unsigned int", "unsigned long long int" -> {
                return JAVA_LONG;
            }
            case "float" -> {
                return JAVA_FLOAT;
            }
            case "double" -> {
                return JAVA_DOUBLE;
            }
            default -> {
            }
        }
        if (t.startsWith("enum ")) {
            return JAVA_INT;
        }
        String target = typedefs.get(t);
        if (target == null) {
            throw new IllegalArgumentException("unknown C type '" + t + "'");
        }
        if (target.equals("struct-value") || (target.startsWith("struct ") && !target.contains("*"))) {
            throw new IllegalArgumentException("'" + t + "' is a struct passed by value");
        }
        return resolve(target, depth + 1);
    }

    /** The FFM descriptor the prototype of this function calls for. */
    FunctionDescriptor descriptor(String function) {
        List<String> proto = prototype(function)
                .orElseThrow(() -> new IllegalArgumentException(function + " is not declared"));
        List<MemoryLayout> args = new ArrayList<>();
        for (String p : proto.subList(1, proto.size())) {
            args.add(layout(p));
        }
        MemoryLayout ret = resolve(proto.get(0), 0);
        return FunctionDescriptor.of(ret, args.toArray(new MemoryLayout[0]));
    }

    /** Same carriers and sizes, argument by argument (names and alignments aside). */
    static boolean sameShape(FunctionDescriptor a, FunctionDescriptor b) {
        if (a.argumentLayouts().size() != b.argumentLayouts().size()) {
            return false;
        }
        if (!same(a.returnLayout().orElse(null), b.returnLayout().orElse(null))) {
            return false;
        }
        for (int i = 0; i < a.argumentLayouts().size(); i++) {
            if (!same(a.argumentLayouts().get(i), b.argumentLayouts().get(i))) {
                return false;
            }
        }
        return true;
    }

    private static boolean same(MemoryLayout x, MemoryLayout y) {
        if (x == null || y == null) {
            return x == y;
        }
        return x instanceof ValueLayout vx && y instanceof ValueLayout vy && vx.carrier() == vy.carrier()
                && vx.byteSize() == vy.byteSize();
    }
}
