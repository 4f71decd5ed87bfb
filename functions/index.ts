// The deployment's entry point: each import registers one function with functions-framework.
import './requestToken';
import './exchangePin';
import './status';
import './keepAlive';
import './morningAlert';
import './actions';
import './telegramWebhook';
import './notices';
