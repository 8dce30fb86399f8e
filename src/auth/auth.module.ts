import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { ApiKey } from './api-key.entity';
import { ApiKeysController } from './api-keys.controller';
import { ApiKeysService } from './api-keys.service';
import { AccessGuard } from './access.guard';
import { AuthController } from './auth.controller';
import { InvitesService } from './invites.service';
import { MemberInvite } from './member-invite.entity';
import { MemberSession } from './member-session.entity';
import { SessionsService } from './sessions.service';
import { SignInFailure } from './sign-in-failure.entity';
import { SignInService } from './sign-in.service';
import { SignInThrottle } from './sign-in-throttle';

@Module({
  imports: [TypeOrmModule.forFeature([ApiKey, MemberInvite, MemberSession, SignInFailure])],
  controllers: [ApiKeysController, AuthController],
  providers: [ApiKeysService, AccessGuard, SessionsService, InvitesService, SignInService, SignInThrottle],
  exports: [ApiKeysService, AccessGuard, SessionsService, InvitesService],
})
export class AuthModule {}
