"""The API tokens pages (/api/tokens/): a member of staff lists, makes and revokes their own
tokens for the school they are working in. Making one asks for the password again first."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from senco import access
from senco.accounts.adapter import require_recent_sign_in
from senco.api import services
from senco.api.token_forms import TokenForm
from senco.forms import add_errors


@login_required
@require_http_methods(["GET"])
def token_list(request):
    school = access.current_school(request, "api.token")
    tokens = request.user.api_tokens.filter(school=school).order_by("-created_at", "-pk")
    page = Paginator(tokens, settings.SENCO_PAGE_SIZE).get_page(request.GET.get("page"))
    now = timezone.now()
    rows = [(token, token.state(now)) for token in page.object_list]
    return render(request, "api/tokens.html", {"page": page, "rows": rows})


@login_required
@never_cache
@require_http_methods(["GET", "POST"])
def token_create(request):
    school = access.current_school(request, "api.token")
    require_recent_sign_in(request)
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            token, text = services.create_token(
                request.user, school, name=form.cleaned_data["name"], days=form.cleaned_data["days"]
            )
        except ValidationError as e:
            add_errors(form, e)
        else:
            # Shown on this answer only: never in an address, a message or the session.
            return render(request, "api/token_created.html", {"token": token, "text": text})
    return render(request, "api/token_form.html", {"form": form})


@login_required
@require_POST
def token_revoke(request, public_id):
    school = access.current_school(request, "api.token")
    token = request.user.api_tokens.filter(public_id=public_id).first()
    if token is None:
        raise access.not_visible(request.user, school, f"api token {public_id}")
    if services.revoke_token(token, by=request.user):
        messages.success(request, f"Revoked {token.name}: it no longer works.")
    else:
        messages.info(request, f"{token.name} was already revoked.")
    return redirect("api:tokens")
