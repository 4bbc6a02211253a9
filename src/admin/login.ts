/** Sign-in (OAuth2 password form, as pyDBAPI), sign-out, token test. */
import type { FastifyInstance } from 'fastify';
import { Type, type TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { Services } from '../services.ts';
import { verifyAgainstNothing, verifySecret } from '../auth/hashing.ts';
import { AppError } from '../errors.ts';
import { waitPastCutOff } from '../auth/tokens.ts';
import { MessageBody, ok } from './schemas.ts';
import { UserPublicOut } from './users.ts';

const Credentials = Type.Object({
  username: Type.String({ minLength: 1, maxLength: 255 }),
  password: Type.String({ minLength: 1, maxLength: 1024 }),
  grant_type: Type.Optional(Type.String()),
});

const AccessToken = Type.Object(
  { access_token: Type.String(), token_type: Type.String(), expires_in: Type.Integer() },
  { title: 'AccessToken' },
);

const invalidCredentials = () => new AppError(401, 'invalid_credentials', 'Incorrect username or password');

export function loginRoutes(app: FastifyInstance, services: Services): void {
  const r = app.withTypeProvider<TypeBoxTypeProvider>();
  const ttlSeconds = services.config.accessTokenExpireMinutes * 60;

  r.post(
    '/login/access-token',
    {
      schema: { operationId: 'login', body: Credentials, response: ok(AccessToken) },
      config: {
        permission: 'public',
        rateLimit: { max: services.config.loginRateLimitPerMinute, timeWindow: 60_000 },
      },
    },
    async (request) => {
      const { username, password } = request.body;
      const user = await services.users.byUsername(username);
      // The same work whether or not the user exists: the answer's timing tells nothing.
      const ok = user ? await verifySecret(user.password_hash, password) : await verifyAgainstNothing(password);
      if (!user || !ok) throw invalidCredentials();
      if (user.is_active !== 1) throw new AppError(403, 'inactive_user', 'This user is inactive');
      await waitPastCutOff(user.tokens_valid_after);
      const issued = await services.tokens.issue(user.id, 'portico:admin', ttlSeconds);
      request.log.info({ user: user.username }, 'signed in');
      return { access_token: issued.token, token_type: 'bearer', expires_in: ttlSeconds };
    },
  );

  r.post('/login/test-token', { config: { permission: 'authenticated' }, schema: { operationId: 'testToken', response: ok(UserPublicOut) } }, async (request) => {
    const user = await services.users.byId(request.principal!.userId);
    return services.users.toPublic(user!);
  });

  r.post('/logout', { config: { permission: 'authenticated' }, schema: { operationId: 'logout', response: ok(MessageBody) } }, async (request) => {
    const { jti, expiresAt } = request.tokenInfo!;
    await services.revokedTokens.revoke(jti, new Date(expiresAt * 1000));
    return { message: 'Signed out' };
  });
}
