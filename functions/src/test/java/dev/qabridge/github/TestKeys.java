package dev.qabridge.github;

import java.io.ByteArrayOutputStream;
import java.math.BigInteger;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.NoSuchAlgorithmException;
import java.security.interfaces.RSAPrivateCrtKey;
import java.util.Base64;

/**
 * RSA keys made in the test, written as PEM the way GitHub (PKCS#1) and {@code openssl pkcs8} (PKCS#8)
 * write them. PKCS#1 is encoded here from the key's numbers, independently of the code under test.
 */
final class TestKeys {
    /** One 2048-bit pair per test JVM: generating one takes a noticeable fraction of a second. */
    static final KeyPair APP = generate(2048);

    private TestKeys() {}

    static KeyPair generate(int bits) {
        try {
            KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
            g.initialize(bits);
            return g.generateKeyPair();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    static String pkcs1Pem(KeyPair pair) {
        RSAPrivateCrtKey k = (RSAPrivateCrtKey) pair.getPrivate();
        ByteArrayOutputStream seq = new ByteArrayOutputStream();
        for (BigInteger n : new BigInteger[] {BigInteger.ZERO, k.getModulus(), k.getPublicExponent(), k.getPrivateExponent(),
                k.getPrimeP(), k.getPrimeQ(), k.getPrimeExponentP(), k.getPrimeExponentQ(), k.getCrtCoefficient()}) {
            seq.writeBytes(der(0x02, n.toByteArray()));
        }
        return pem("RSA PRIVATE KEY", der(0x30, seq.toByteArray()));
    }

    static String pkcs8Pem(KeyPair pair) {
        return pem("PRIVATE KEY", pair.getPrivate().getEncoded());
    }

    static String pem(String label, byte[] der) {
        return "-----BEGIN " + label + "-----\n"
                + Base64.getMimeEncoder(64, "\n".getBytes()).encodeToString(der)
                + "\n-----END " + label + "-----\n";
    }

    private static byte[] der(int tag, byte[] content) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(tag);
        int len = content.length;
        if (len < 128) {
            out.write(len);
        } else if (len < 256) {
            out.write(0x81);
            out.write(len);
        } else {
            out.write(0x82);
            out.write(len >> 8);
            out.write(len);
        }
        out.writeBytes(content);
        return out.toByteArray();
    }
}
