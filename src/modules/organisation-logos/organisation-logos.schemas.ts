import { Type } from '@sinclair/typebox';
import { SlugParams } from '../organisations/organisations.schemas.ts';

export { SlugParams };

export const LogoQuery = Type.Object(
  {
    v: Type.Optional(
      Type.String({ maxLength: 64, description: 'Content version from the logo URL; only busts caches' }),
    ),
  },
  { additionalProperties: false },
);

export const Logo = Type.Object(
  {
    url: Type.String({ description: 'Public address of the image, versioned by its content' }),
    contentType: Type.Union([
      Type.Literal('image/png'),
      Type.Literal('image/jpeg'),
      Type.Literal('image/svg+xml'),
    ]),
    bytes: Type.Integer(),
    sha256: Type.String(),
    updatedAt: Type.String({ format: 'date-time' }),
  },
  { additionalProperties: false },
);

export const LogoResponse = Type.Object({ logo: Logo }, { additionalProperties: false });
export const MaybeLogoResponse = Type.Object(
  { logo: Type.Union([Logo, Type.Null()]) },
  { additionalProperties: false },
);

export const LogoImage = Type.String({ format: 'binary', description: 'The image (PNG, JPEG or SVG)' });
