/** The signed-in user's own profile and password. */
import fs from 'node:fs';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import { Type, type TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { Services } from '../services.ts';
import { hashSecret, verifySecret } from '../auth/hashing.ts';
import { AppError, badRequest } from '../errors.ts';
import { INITIAL_PASSWORD_FILE } from '../catalog/seed.ts';
import { MessageBody, ok } from './schemas.ts';
import { UserPublicOut } from './users.ts';

const ProfilePatch = Type.Object(
  {
    email: Type.Optional(Type.Union([Type.Null(), Type.String({ format: 'email', maxLength: 255 })])),
    full_name: Type.Optional(Type.Union([Type.Null(), Type.String({ maxLength: 255 })])),
  },
  { additionalProperties: false },
);

const PasswordChange = Type.Object({
  current_password: Type.String({ minLength: 1, maxLength: 1024 }),
  new_password: Type.String({ minLength: 8, maxLength: 1024 }),
});

/** The profile plus what the user may do, so the UI shows only what they can use. */
const MeOut = Type.Object(
  {
    ...UserPublicOut.properties,
    /** Every grant as `resource:action:*` (any object) or `resource:action:<id>` (one object); empty for a superuser. */
    permissions: Type.Array(Type.String()),
  },
  { title: 'Me' },
);

export function meRoutes(app: FastifyInstance, services: Services): void {
  const r = app.withTypeProvider<TypeBoxTypeProvider>();
  const me = { permission: 'authenticated' } as const;

  r.get('/users/me', { config: me, schema: { operationId: 'getMe', response: ok(MeOut) } }, async (request) => {
    const principal = request.principal!;
    const user = await services.users.byId(principal.userId);
    return { ...(await services.users.toPublic(user!)), permissions: principal.isSuperuser ? [] : [...principal.grants].sort() };
  });

  r.patch('/users/me', { config: me, schema: { operationId: 'updateMe', body: ProfilePatch, response: ok(UserPublicOut) } }, async (request) => {
    const user = await services.users.update(request.principal!.userId, request.body);
    return services.users.toPublic(user!);
  });

  r.patch('/users/me/password', { config: me, schema: { operationId: 'changeMyPassword', body: PasswordChange, response: ok(MessageBody) } }, async (request) => {
    const { current_password, new_password } = request.body;
    const user = (await services.users.byId(request.principal!.userId))!;
    if (!(await verifySecret(user.password_hash, current_password))) {
      throw new AppError(400, 'invalid_password', 'Current password is incorrect');
    }
    if (current_password === new_password) throw badRequest('New password must differ from the current one');
    // Tokens issued before this second stop working.
    await services.users.update(user.id, {
      password_hash: await hashSecret(new_password),
      tokens_valid_after: new Date().toISOString(),
    });
    // The generated first password is no longer the password: its file goes.
    if (user.username === 'admin') fs.rmSync(path.join(services.config.dataDir, INITIAL_PASSWORD_FILE), { force: true });
    return { message: 'Password updated; sign in again' };
  });
}
