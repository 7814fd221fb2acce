package dev.qabridge.local.it;

import java.io.ByteArrayOutputStream;
import java.math.BigInteger;
import java.security.interfaces.RSAPrivateCrtKey;
import java.security.interfaces.RSAPrivateKey;
import java.util.Base64;

/** Writes an RSA key the way GitHub's key download does: PKCS#1 DER in a {@code RSA PRIVATE KEY} PEM block. */
final class Pem {
    private Pem() {}

    static String pkcs1(RSAPrivateKey key) {
        RSAPrivateCrtKey k = (RSAPrivateCrtKey) key;
        ByteArrayOutputStream fields = new ByteArrayOutputStream();
        for (BigInteger n : new BigInteger[] {BigInteger.ZERO, k.getModulus(), k.getPublicExponent(), k.getPrivateExponent(),
                k.getPrimeP(), k.getPrimeQ(), k.getPrimeExponentP(), k.getPrimeExponentQ(), k.getCrtCoefficient()}) {
            fields.writeBytes(der(0x02, n.toByteArray()));
        }
        return "-----BEGIN RSA PRIVATE KEY-----\n"
                + Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(der(0x30, fields.toByteArray()))
                + "\n-----END RSA PRIVATE KEY-----\n";
    }

    private static byte[] der(int tag, byte[] content) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(tag);
        int len = content.length;
        if (len >= 256) {
            out.write(0x82);
            out.write(len >> 8);
        } else if (len >= 128) {
            out.write(0x81);
        }
        out.write(len);
        out.writeBytes(content);
        return out.toByteArray();
    }
}
