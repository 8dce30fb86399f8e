// A UUID path parameter that answers 400 naming the parameter when malformed.
import { BadRequestException, Param, ParseUUIDPipe } from '@nestjs/common';

export const IdParam = (name = 'id'): ParameterDecorator =>
  Param(
    name,
    new ParseUUIDPipe({ exceptionFactory: () => new BadRequestException(`${name} must be a UUID`) }),
  );
