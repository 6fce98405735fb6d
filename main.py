"""Entry point: `python main.py` serves What I Spend (see README.md)."""

import os
import sys

from app.config import ConfigError, complete_config, load, restrict_umask, use_settings
from app.i18n import Message, from_environment
from app.web.geoip import GeoIpError, open_reader

restrict_umask()  # before any file is created: the database, its WAL and the logs are the owner's alone
try:
    complete_config()  # a v2.4 config.env gains the secrets it lacks instead of refusing to start
    settings = load()
    open_reader(settings)  # with GEOIP_ENABLED, the database must be there before we serve anyone
except (ConfigError, GeoIpError) as error:
    problem = error.message if isinstance(error, ConfigError) else str(error)
    # the operator's language (LANG & co.), as the CLI speaks it
    print(
        Message('Configuration error: {problem}', problem=problem).render(from_environment(os.environ)), file=sys.stderr
    )
    sys.exit(2)
use_settings(settings)
if settings.nicegui_redis_url:  # NiceGUI reads it when imported (below): its user storage goes to Redis
    os.environ['NICEGUI_REDIS_URL'] = settings.nicegui_redis_url

from fastapi.exceptions import RequestValidationError  # noqa: E402
from nicegui import app, ui  # noqa: E402

from app import pages, startup  # noqa: E402
from app.api import sysapi  # noqa: E402
from app.api.browser_auth import router as browser_auth_router  # noqa: E402
from app.api.errors import (  # noqa: E402
    answer_routing_errors,
    service_error_handler,
    unexpected_error_handler,
    validation_error_handler,
)
from app.api.imports import allow_import_bodies  # noqa: E402
from app.api.pwa import register_body_limits as pwa_body_limits  # noqa: E402
from app.api.pwa import router as pwa_router  # noqa: E402
from app.api.receipts import browser_router as receipt_files_router  # noqa: E402
from app.api.receipts import register_body_limits as receipt_body_limits  # noqa: E402
from app.logs import RequestLogMiddleware, setup_logging  # noqa: E402
from app.services.errors import ServiceError  # noqa: E402
from app.web.api_fast_path import around_page_middlewares  # noqa: E402
from app.web.body_limit import BodyLimitMiddleware  # noqa: E402
from app.web.client_ip import ClientIpMiddleware  # noqa: E402
from app.web.compression import gzip_middleware  # noqa: E402
from app.web.cookies import SessionRenewalMiddleware  # noqa: E402
from app.web.csrf import CsrfMiddleware  # noqa: E402
from app.web.geoip import GeoIpMiddleware  # noqa: E402
from app.web.ratelimit import RateLimitMiddleware  # noqa: E402
from app.web.security_headers import SecurityHeadersMiddleware  # noqa: E402

setup_logging(settings)
app.include_router(sysapi)
allow_import_bodies(settings.import_max_mb)
app.include_router(browser_auth_router)
app.include_router(pwa_router)  # manifest, service worker, offline capture page, share target
pwa_body_limits()
app.include_router(receipt_files_router)
receipt_body_limits()
# Starlette types a handler as taking any Exception but calls it only for the class it is registered for
app.add_exception_handler(ServiceError, service_error_handler)  # type: ignore[arg-type]
app.add_exception_handler(RequestValidationError, validation_error_handler)  # type: ignore[arg-type]
app.add_exception_handler(Exception, unexpected_error_handler)
answer_routing_errors(app)  # 404 and 405 under /sysapi: JSON in the caller's language
# the last added runs first: client address -> request log -> GeoIP -> rate limit -> CSRF -> headers
# -> session renewal -> body limit -> app
app.add_middleware(BodyLimitMiddleware)
app.add_middleware(SessionRenewalMiddleware)
app.add_middleware(SecurityHeadersMiddleware)
app.add_middleware(CsrfMiddleware)
app.add_middleware(RateLimitMiddleware)
app.add_middleware(GeoIpMiddleware)
app.add_middleware(RequestLogMiddleware)  # sees the refusals above, with the real client address
app.add_middleware(ClientIpMiddleware)
around_page_middlewares(app)  # /sysapi goes around NiceGUI's session, tracking, redirect and cache middlewares
app.on_startup(lambda: startup.on_startup(settings))
app.on_shutdown(startup.on_shutdown)
pages.register()

if __name__ in {'__main__', '__mp_main__'}:
    try:
        ui.run(
            host=settings.host,
            port=settings.port,
            title='What I Spend',
            storage_secret=settings.storage_secret,
            reload=False,
            show=False,
            favicon='💶',
            fastapi_docs=True,
            gzip_middleware_factory=gzip_middleware,  # level 1, not 9 (app/web/compression.py)
            show_welcome_message=False,
            proxy_headers=False,  # the client address comes from app/web/client_ip.py (FORWARDED_ALLOW_IPS)
        )
    except KeyboardInterrupt:  # Ctrl+C: uvicorn has already shut down cleanly and re-raised the signal
        print('What I Spend stopped.', file=sys.stderr)
