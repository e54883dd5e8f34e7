import { Type } from '@sinclair/typebox';
import { PASSWORD_MAX_LENGTH } from './accounts.service.ts';

const Email = Type.String({ minLength: 3, maxLength: 254, description: 'E-mail address' });
const Password = Type.String({ minLength: 1, maxLength: PASSWORD_MAX_LENGTH });
const OneTimeToken = Type.String({ minLength: 10, maxLength: 200 });

export const UserSelfSchema = Type.Object(
  {
    id: Type.String({ format: 'uuid' }),
    email: Type.String(),
    name: Type.String(),
    emailVerified: Type.Boolean(),
    isPlatformAdmin: Type.Boolean(),
    disabled: Type.Boolean(),
    createdAt: Type.String({ format: 'date-time' }),
  },
  { $id: 'UserSelf' },
);

export const SignupBody = Type.Object(
  { email: Email, name: Type.String({ minLength: 1, maxLength: 200 }), password: Password },
  { additionalProperties: false },
);
export const LoginBody = Type.Object({ email: Email, password: Password }, { additionalProperties: false });
export const TokenBody = Type.Object({ token: OneTimeToken }, { additionalProperties: false });
export const ForgotBody = Type.Object({ email: Email }, { additionalProperties: false });
export const ResetBody = Type.Object(
  { token: OneTimeToken, password: Password },
  { additionalProperties: false },
);
export const ChangePasswordBody = Type.Object(
  { currentPassword: Password, newPassword: Password },
  { additionalProperties: false },
);
export const UpdateMeBody = Type.Object(
  { name: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })) },
  { additionalProperties: false },
);

export const SessionInfo = Type.Object({
  user: Type.Ref('UserSelf'),
  csrfToken: Type.String({ description: 'Send as X-CSRF-Token on every cookie-authenticated write' }),
  expiresAt: Type.Optional(Type.String({ format: 'date-time' })),
});

export const SessionListItem = Type.Object({
  id: Type.String({ format: 'uuid' }),
  ip: Type.Union([Type.String(), Type.Null()]),
  userAgent: Type.Union([Type.String(), Type.Null()]),
  createdAt: Type.String({ format: 'date-time' }),
  lastSeenAt: Type.String({ format: 'date-time' }),
  expiresAt: Type.String({ format: 'date-time' }),
  current: Type.Boolean(),
});

export const Accepted = Type.Object({ status: Type.Literal('accepted'), message: Type.String() });
export const IdParams = Type.Object({ id: Type.String({ format: 'uuid' }) });
export const ProblemRef = Type.Ref('Problem');
