package flux.http;

import io.undertow.security.api.AuthenticationMode;
import io.undertow.security.handlers.AuthenticationCallHandler;
import io.undertow.security.handlers.AuthenticationConstraintHandler;
import io.undertow.security.handlers.AuthenticationMechanismsHandler;
import io.undertow.security.handlers.SecurityInitialHandler;
import io.undertow.security.idm.Account;
import io.undertow.security.idm.Credential;
import io.undertow.security.idm.IdentityManager;
import io.undertow.security.idm.PasswordCredential;
import io.undertow.security.impl.BasicAuthenticationMechanism;
import io.undertow.server.HttpHandler;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.Principal;
import java.util.List;
import java.util.Set;

/**
 * HTTP Basic authentication for a server exposed beyond this machine ({@code --host 0.0.0.0}):
 * without it anyone on the LAN can see and play what is streamed. Undertow's own mechanism
 * answers 401 with a challenge; players take the credentials in the URL
 * ({@code http://user:password@host:port/...}: mpv, VLC, ffplay).
 */
public final class BasicAuth {
    /** One user name and password, as {@code --http-auth USER:PASSWORD} gives them. */
    public record Credentials(String user, String password) {
        /** Parses USER:PASSWORD (the password may hold colons); null when it is not that. */
        public static Credentials parse(String text) {
            int colon = text.indexOf(':');
            return colon <= 0 || colon == text.length() - 1 ? null
                    : new Credentials(text.substring(0, colon), text.substring(colon + 1));
        }

        @Override
        public String toString() {
            return "Credentials[" + user + ", password hidden]";
        }
    }

    private BasicAuth() {
    }

    /** {@code next} behind a login: every request needs these credentials. */
    public static HttpHandler require(Credentials credentials, HttpHandler next) {
        HttpHandler authenticated = new AuthenticationMechanismsHandler(
                new AuthenticationConstraintHandler(new AuthenticationCallHandler(next)),
                List.of(new BasicAuthenticationMechanism("flux")));
        return new SecurityInitialHandler(AuthenticationMode.PRO_ACTIVE, new OneUser(credentials), authenticated);
    }

    /** The one account: user name and password compared in constant time. */
    private record OneUser(Credentials credentials) implements IdentityManager {
        @Override
        public Account verify(Account account) {
            return account;
        }

        @Override
        public Account verify(String id, Credential credential) {
            if (!(credential instanceof PasswordCredential password)) {
                return null;
            }
            boolean user = MessageDigest.isEqual(bytes(id), bytes(credentials.user()));
            boolean pass = MessageDigest.isEqual(bytes(new String(password.getPassword())), bytes(credentials.password()));
            return user & pass ? new UserAccount(id) : null;
        }

        @Override
        public Account verify(Credential credential) {
            return null;
        }

        private static byte[] bytes(String s) {
            return s.getBytes(StandardCharsets.UTF_8);
        }
    }

    private record UserAccount(String name) implements Account, Principal {
        @Override
        public Principal getPrincipal() {
            return this;
        }

        @Override
        public Set<String> getRoles() {
            return Set.of();
        }

        @Override
        public String getName() {
            return name;
        }
    }
}
