package io.companyagents.gateway.auth;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.regex.Pattern;

/** The key format ({@code ca_<kind>_<48 hex chars>}, 192 random bits) and its stored hash. */
public final class ApiKeys {

    private static final SecureRandom RANDOM = new SecureRandom();
    private static final int PREFIX_LENGTH = 12;

    private ApiKeys() {
    }

    public static String generate(String kind) {
        byte[] bytes = new byte[24];
        RANDOM.nextBytes(bytes);
        return "ca_" + kind + "_" + HexFormat.of().formatHex(bytes);
    }

    /** SHA-256 is enough: the keys are long random strings, not passwords. */
    public static String hash(String key) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(key.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    public static String prefix(String key) {
        int end = key.indexOf('_', 3) + 1 + 4;
        return key.substring(0, Math.min(key.length(), Math.max(end, PREFIX_LENGTH)));
    }

    private static final Pattern KEY_SHAPE = Pattern.compile("ca_(admin|board|agent)_[0-9a-f]{48}");

    /** A cheap shape check so garbage never reaches the database. */
    public static boolean looksLikeKey(String key) {
        return key != null && key.length() <= 100 && KEY_SHAPE.matcher(key).matches();
    }
}
