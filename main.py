"""Entry point: `python main.py` serves What I Spend (see README.md)."""

import sys

from app.config import ConfigError, load, use_settings

try:
    settings = load()
except ConfigError as error:
    print(f'Configuration error: {error}', file=sys.stderr)
    sys.exit(2)
use_settings(settings)

from fastapi.exceptions import RequestValidationError  # noqa: E402
from nicegui import app, ui  # noqa: E402

from app import pages, startup  # noqa: E402
from app.api import sysapi  # noqa: E402
from app.api.browser_auth import router as browser_auth_router  # noqa: E402
from app.api.errors import service_error_handler, unexpected_error_handler, validation_error_handler  # noqa: E402
from app.logs import RequestLogMiddleware, setup_logging  # noqa: E402
from app.services.errors import ServiceError  # noqa: E402

setup_logging(settings)
app.add_middleware(RequestLogMiddleware)
app.include_router(sysapi)
app.include_router(browser_auth_router)
app.add_exception_handler(ServiceError, service_error_handler)
app.add_exception_handler(RequestValidationError, validation_error_handler)
app.add_exception_handler(Exception, unexpected_error_handler)
app.on_startup(lambda: startup.on_startup(settings))
app.on_shutdown(startup.on_shutdown)
pages.register()

if __name__ in {'__main__', '__mp_main__'}:
    ui.run(
        host=settings.host,
        port=settings.port,
        title='What I Spend',
        storage_secret=settings.storage_secret,
        reload=False,
        show=False,
        favicon='💶',
        fastapi_docs=True,
        show_welcome_message=False,
    )
