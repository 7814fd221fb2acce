package dev.qabridge.github;

import java.io.ByteArrayOutputStream;
import java.security.KeyFactory;
import java.security.NoSuchAlgorithmException;
import java.security.interfaces.RSAPrivateKey;
import java.security.spec.InvalidKeySpecException;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Base64;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads a GitHub App's private key ({@code GITHUB_APP_PRIVATE_KEY}) as GitHub downloads it: PKCS#1
 * ({@code -----BEGIN RSA PRIVATE KEY-----}), or PKCS#8 ({@code -----BEGIN PRIVATE KEY-----}) after an
 * {@code openssl pkcs8 -topk8}. Tolerates CRLF, indentation and {@code \n} written literally (a PEM pasted
 * into a JSON secret). Errors name the setting and the problem, never the key's content.
 */
final class PrivateKeyPem {
    static final String SETTING = "GITHUB_APP_PRIVATE_KEY";
    /** GitHub generates 2048-bit keys, and RS256 wants at least that many (RFC 7518, 3.3). */
    static final int MIN_BITS = 2048;

    private static final Pattern BLOCK = Pattern.compile("-----BEGIN ([A-Z0-9 ]+)-----(.*?)-----END \\1-----", Pattern.DOTALL);
    // AlgorithmIdentifier { rsaEncryption (1.2.840.113549.1.1.1), NULL }
    private static final byte[] RSA_ALGORITHM = {0x30, 0x0d, 0x06, 0x09, 0x2a, (byte) 0x86, 0x48, (byte) 0x86, (byte) 0xf7, 0x0d, 0x01, 0x01, 0x01, 0x05, 0x00};
    private static final byte[] VERSION_0 = {0x02, 0x01, 0x00};

    private PrivateKeyPem() {}

    static RSAPrivateKey read(String pem) {
        if (pem == null || pem.isBlank()) {
            throw invalid("is empty");
        }
        String text = pem.replace("\\r", "").replace("\\n", "\n").replace("\r", "");
        Matcher block = BLOCK.matcher(text);
        if (!block.find()) {
            throw invalid("is not a PEM block: expected the key file GitHub downloads, from -----BEGIN RSA PRIVATE KEY----- to -----END RSA PRIVATE KEY-----");
        }
        String label = block.group(1);
        byte[] der = base64(block.group(2));
        RSAPrivateKey key = switch (label) {
            case "RSA PRIVATE KEY" -> rsa(pkcs1ToPkcs8(der), "PKCS#1");
            case "PRIVATE KEY" -> rsa(der, "PKCS#8");
            case "ENCRYPTED PRIVATE KEY" -> throw invalid("is encrypted: store the key unencrypted, as GitHub downloads it");
            default -> throw invalid("holds a " + label + ", not an RSA private key: use the .pem file from the app's settings (Private keys)");
        };
        int bits = key.getModulus().bitLength();
        if (bits < MIN_BITS) {
            throw invalid("is a " + bits + "-bit RSA key; GitHub App keys have at least " + MIN_BITS + " bits");
        }
        return key;
    }

    /** Wraps a PKCS#1 RSAPrivateKey in a PKCS#8 PrivateKeyInfo {version 0, rsaEncryption, OCTET STRING}, the JDK's only format. */
    static byte[] pkcs1ToPkcs8(byte[] pkcs1) {
        ByteArrayOutputStream info = new ByteArrayOutputStream();
        info.writeBytes(VERSION_0);
        info.writeBytes(RSA_ALGORITHM);
        info.writeBytes(tagged(0x04, pkcs1));
        return tagged(0x30, info.toByteArray());
    }

    private static byte[] tagged(int tag, byte[] content) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(tag);
        int length = content.length;
        if (length < 0x80) {
            out.write(length);
        } else {
            int bytes = (Integer.SIZE - Integer.numberOfLeadingZeros(length) + 7) / 8;
            out.write(0x80 | bytes);
            for (int i = bytes - 1; i >= 0; i--) {
                out.write(length >>> (8 * i));
            }
        }
        out.writeBytes(content);
        return out.toByteArray();
    }

    private static byte[] base64(String body) {
        try {
            byte[] der = Base64.getDecoder().decode(body.replaceAll("\\s", ""));
            if (der.length == 0) {
                throw invalid("has an empty PEM block");
            }
            return der;
        } catch (IllegalArgumentException e) {
            throw invalid("has a PEM body that is not base64 (was the file changed or cut short?)");
        }
    }

    private static RSAPrivateKey rsa(byte[] pkcs8, String format) {
        try {
            return (RSAPrivateKey) KeyFactory.getInstance("RSA").generatePrivate(new PKCS8EncodedKeySpec(pkcs8));
        } catch (InvalidKeySpecException | ClassCastException e) {
            throw invalid("is not a readable " + format + " RSA private key (was the file changed or cut short?)");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("this JVM has no RSA key factory", e);
        }
    }

    private static IllegalStateException invalid(String problem) {
        return new IllegalStateException(SETTING + " " + problem);
    }
}
