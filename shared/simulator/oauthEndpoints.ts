import { authenticate } from './authenticate';
import { Handler, Incoming, SimContext } from './context';
import { OAuthRejection } from './problems';
import { formReply, textReply, wrongVerifierReply } from './responses';
import { AccessTokenRecord } from './tokens';

export const requestToken: Handler = (request, ctx) => {
  const { consumerKey } = authenticate(
    request,
    { token: 'none', require: ['oauth_callback'], fixed: { oauth_callback: 'oob' } },
    ctx,
  );
  const issued = ctx.tokens.issueRequestToken(consumerKey);
  return formReply({
    oauth_token: issued.token,
    oauth_token_secret: issued.secret,
    oauth_callback_confirmed: 'true',
  });
};

export const accessToken: Handler = (request, ctx) => {
  const { consumerKey, oauth, token } = authenticate(
    request,
    { token: 'required', require: ['oauth_verifier'] },
    ctx,
  );
  if (token?.kind !== 'request') throw new OAuthRejection('token_rejected');
  const state = ctx.tokens.requestState(token);
  if (state === 'used') throw new OAuthRejection('token_rejected');
  if (state === 'expired') throw new OAuthRejection('token_expired');
  // Case-sensitive, as the PIN is shown. A wrong PIN (or one from an earlier login) leaves the
  // request token usable so a person can retype it, as long as it lives.
  if (token.verifier === undefined || token.verifier !== oauth.get('oauth_verifier')) {
    return wrongVerifierReply(ctx.wrongVerifier);
  }
  token.used = true;
  const issued = ctx.tokens.issueAccessToken(consumerKey);
  return formReply({ oauth_token: issued.token, oauth_token_secret: issued.secret });
};

/**
 * The checks every access-token call shares: signed with an access token that is neither
 * revoked nor past its New York midnight. Idle is still live here: renew exists to revive it.
 */
export function liveAccessToken(request: Incoming, ctx: SimContext): AccessTokenRecord {
  const { token } = authenticate(request, { token: 'required', require: [] }, ctx);
  if (token?.kind !== 'access') throw new OAuthRejection('token_rejected');
  const state = ctx.tokens.accessState(token);
  if (state === 'revoked') throw new OAuthRejection('token_rejected');
  if (state === 'expired') throw new OAuthRejection('token_expired');
  return token;
}

export const renewAccessToken: Handler = (request, ctx) => {
  const token = liveAccessToken(request, ctx);
  const fault = ctx.faults.takeRenew(request.path);
  if (fault === undefined) {
    token.lastActivity = ctx.clock();
  } else if (fault.dead === 'token_expired') {
    token.expiresAt = ctx.clock();
  } else {
    token.revoked = true;
  }
  return textReply(200, 'Access Token has been renewed');
};

export const revokeAccessToken: Handler = (request, ctx) => {
  liveAccessToken(request, ctx).revoked = true;
  return textReply(200, 'Revoked Access Token');
};
