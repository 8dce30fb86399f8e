import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AuthModule } from '../auth/auth.module';
import { ChannelsModule } from '../channels/channels.module';
import { ConnectController, OAuthCallbackController } from './connect.controller';
import { ConnectSession, OAuthApp, OAuthState } from './connect.entities';
import { ConnectService } from './connect.service';
import { DirectConnectService } from './direct-connect.service';
import { OAUTH_PROVIDERS, type OAuthProvider } from './oauth-provider';
import { LinkedInOAuthProvider } from './providers/linkedin-oauth.provider';
import { MastodonOAuthProvider } from './providers/mastodon-oauth.provider';
import { FacebookOAuthProvider, InstagramOAuthProvider } from './providers/meta-oauth.provider';
import { XOAuthProvider } from './providers/x-oauth.provider';

const PROVIDERS = [XOAuthProvider, MastodonOAuthProvider, LinkedInOAuthProvider, FacebookOAuthProvider, InstagramOAuthProvider];

/** Imported before ChannelsModule in AppModule: /api/channels/connect must be routed before /api/channels/:id. */
@Module({
  imports: [TypeOrmModule.forFeature([OAuthState, ConnectSession, OAuthApp]), ChannelsModule, AuthModule],
  controllers: [ConnectController, OAuthCallbackController],
  providers: [
    ...PROVIDERS,
    { provide: OAUTH_PROVIDERS, useFactory: (...providers: OAuthProvider[]) => providers, inject: PROVIDERS },
    ConnectService,
    DirectConnectService,
  ],
})
export class ConnectModule {}
