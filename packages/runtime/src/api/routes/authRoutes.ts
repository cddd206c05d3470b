import { loginResponseSchema, userViewSchema, type LoginResponse, type UserView } from '@exflow/shared';
import { ANY_ROLE } from '../../auth/roles.js';
import { verifyPassword } from '../../auth/passwords.js';
import { ProblemError, unauthorized } from '../../errors.js';
import { createUserRepository } from '../../store/userRepository.js';
import { defineRoutes } from '../route.js';

export const authRoutes = defineRoutes([
  {
    method: 'post',
    path: '/auth/login',
    summary: 'Sign in with the built-in issuer (embedded mode) and get a bearer token',
    tag: 'auth',
    roles: 'public',
    body: {
      type: 'object',
      required: ['email', 'password'],
      additionalProperties: false,
      properties: { email: { type: 'string', minLength: 3, maxLength: 200 }, password: { type: 'string', minLength: 1, maxLength: 200 } },
    },
    responses: { '200': '{ token, user }', '401': 'Wrong email or password' },
    responseSchemas: { '200': loginResponseSchema },
    async handler(req, res, { db, issuer, authenticator }) {
      if (authenticator.mode !== 'embedded') {
        throw new ProblemError(
          'embedded-sign-in-off',
          'The built-in sign-in is off because an external OIDC issuer is configured; sign in there and send its token',
        );
      }
      const { email, password } = req.body as { email: string; password: string };
      const user = await createUserRepository(db).byEmail(email);
      // the hash runs for an unknown email too (against a stand-in), so timing does not tell them apart
      const matches = await verifyPassword(password, user?.passwordHash);
      if (!user || !matches) throw unauthorized('Wrong email or password');
      if (user.disabledAt) throw unauthorized('This account is disabled; ask your tenant admin');
      const principal = { userId: user.id, tenantId: user.tenantId, email: user.email, name: user.name, roles: user.roles as never };
      const answer: LoginResponse = {
        token: await issuer.sign(principal),
        user: { id: user.id, email: user.email, name: user.name, roles: user.roles, tenantId: user.tenantId },
      };
      res.json(answer);
    },
  },
  {
    method: 'get',
    path: '/auth/me',
    summary: 'Who the bearer token says you are',
    tag: 'auth',
    roles: ANY_ROLE,
    responses: { '200': 'The signed-in user' },
    responseSchemas: { '200': userViewSchema },
    async handler(_req, res, { principal }) {
      res.json({ id: principal.userId, email: principal.email, name: principal.name, roles: principal.roles, tenantId: principal.tenantId } satisfies UserView);
    },
  },
]);
