"""Browser pages for documents and takedown requests. Thin: parse, call a service or selector,
render. A case the user may not see is a 404 on every route (``case_get_for_user``).

Forms post plainly and redirect back to the case page; a refused form comes back on a page of
its own with the documents section and its messages per field (status 400).
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from agencies.people import display_name
from cases import permissions
from cases.selectors import case_read
from config.errors import InputError, errors_to_form
from evidence import selectors, services, storage
from evidence.forms import DocumentForm, RemoveForm, TakedownForm, TakedownUpdateForm, attachment_choices
from evidence.models import TAKEDOWN_TRANSITIONS, AttachedTo, TakedownStatus
from privacy.models import AuditAction

CUSTODY_LABELS = {
    AuditAction.DOCUMENT_UPLOAD: AuditAction.DOCUMENT_UPLOAD.label,
    AuditAction.DOCUMENT_DOWNLOAD: AuditAction.DOCUMENT_DOWNLOAD.label,
    AuditAction.DOCUMENT_REMOVE: AuditAction.DOCUMENT_REMOVE.label,
}


def _attachment_label(document, choices: dict) -> str:
    if document.attached_to == AttachedTo.CASE:
        return _("The case")
    key = f"{document.attached_to}:{document.attached_id}"
    return choices.get(key) or f"{AttachedTo(document.attached_to).label} {document.attached_id}"


def case_documents_context(user, case, *, with_identity: bool, document_form=None, takedown_form=None,
                           remove_forms=None, update_forms=None) -> dict:
    """What the documents section shows: documents with their custody logs, takedown requests,
    and the forms the user may use."""
    agency = selectors.acting_agency(user, case)
    remove_forms, update_forms = remove_forms or {}, update_forms or {}
    choice_list = attachment_choices(case)
    choices = dict(choice_list)
    if agency is not None and document_form is None:
        document_form = DocumentForm(case=case, choices=choice_list)
    logs = selectors.custody_logs(case)
    document_rows = []
    for document in selectors.case_documents(case):
        own = agency is not None and document.agency_id == agency.pk and not document.is_removed
        document_rows.append({
            "document": document, "attached": _attachment_label(document, choices),
            "type": storage.TYPE_LABELS.get(document.content_type, document.content_type),
            "uploaded_by": display_name(document.uploaded_by) if document.uploaded_by_id else _("Anonymous report"),
            "custody": [{"event": event, "label": CUSTODY_LABELS.get(event.action, event.action),
                         "who": display_name(event.actor)} for event in logs.get(str(document.pk), [])],
            "remove_form": remove_forms.get(document.pk) or (RemoveForm(document=document) if own else None),
        })
    takedown_rows = []
    for takedown in selectors.case_takedowns(case):
        own = agency is not None and takedown.agency_id == agency.pk
        open_ = bool(TAKEDOWN_TRANSITIONS[TakedownStatus(takedown.status)])
        takedown_rows.append({
            "takedown": takedown,
            "update_form": update_forms.get(takedown.pk) or (
                TakedownUpdateForm(takedown=takedown) if own and open_ else None),
        })
    if agency is not None and takedown_form is None:
        takedown_form = TakedownForm()
    return {
        "case": case, "with_identity": with_identity, "agency": agency, "document_rows": document_rows,
        "takedown_rows": takedown_rows, "document_form": document_form if agency else None,
        "takedown_form": takedown_form if agency else None,
    }


def _refused(request, case, **forms):
    with_identity = case_read(request.user, case, channel="web")
    with timezone.override(case.jurisdiction.zone):
        context = case_documents_context(request.user, case, with_identity=with_identity, **forms)
        return render(request, "evidence/case_documents.html", context, status=400)


def _done(request, case, message: str, anchor: str):
    messages.success(request, message)
    return redirect(reverse("cases:detail", args=[case.pk]) + f"#{anchor}")


@login_required
@require_POST
def document_new(request, case_id):
    case, _agency = selectors.case_get_for_documents(request.user, case_id)
    form = DocumentForm(request.POST, request.FILES, case=case)
    if form.is_valid():
        upload = form.cleaned_data["file"]
        kind, object_id = form.attachment()
        try:
            document = services.document_upload(
                user=request.user, case=case, data=upload.read(), title=form.cleaned_data["title"],
                description=form.cleaned_data["description"], original_name=upload.name or "",
                attached_to=kind, attached_id=object_id)
        except InputError as err:
            errors_to_form(form, err.errors, form.SERVICE_FIELDS)
        else:
            return _done(request, case, _("Document No. %(number)d attached.") % {"number": document.number},
                         f"document-{document.pk}")
    return _refused(request, case, document_form=form)


@login_required
@require_GET
def document_download(request, document_id):
    # Photos and screenshots identify children: the identity permission, not just the case's.
    document = selectors.document_get_for_user(request.user, document_id, perm=permissions.VIEW_IDENTITY)
    try:
        data = services.document_content(user=request.user, document=document, channel="web")
    except InputError:
        return HttpResponse(_("This document was removed."), status=410, content_type="text/plain; charset=utf-8")
    return document_response(data, document)


def document_response(data: bytes, document) -> HttpResponse:
    """The file as an attachment under a neutral name; never shown inline, never sniffed."""
    response = HttpResponse(data, content_type=document.content_type)
    response["Content-Disposition"] = f'attachment; filename="{storage.download_name(document.case, document)}"'
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Length"] = str(len(data))
    return response


@login_required
@require_POST
def document_remove(request, document_id):
    document = selectors.document_get_for_user(request.user, document_id)
    form = RemoveForm(request.POST, document=document)
    if form.is_valid():
        try:
            services.document_remove(user=request.user, document=document, reason=form.cleaned_data["reason"])
        except InputError as err:
            errors_to_form(form, err.errors)
        else:
            return _done(request, document.case, _("Document No. %(number)d removed.") % {"number": document.number},
                         f"document-{document.pk}")
    return _refused(request, document.case, remove_forms={document.pk: form})


@login_required
@require_POST
def takedown_new(request, case_id):
    case, _agency = selectors.case_get_for_documents(request.user, case_id)
    with timezone.override(case.jurisdiction.zone):
        form = TakedownForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            try:
                takedown = services.takedown_request(
                    user=request.user, case=case, platform=data["platform"], content_url=data["content_url"],
                    platform_reference=data["platform_reference"], requested_at=data["requested_at"])
            except InputError as err:
                errors_to_form(form, err.errors)
            else:
                return _done(request, case, _("Takedown request No. %(number)d recorded.") % {
                    "number": takedown.number}, f"takedown-{takedown.pk}")
        return _refused(request, case, takedown_form=form)


@login_required
@require_POST
def takedown_update(request, takedown_id):
    takedown = selectors.takedown_get_for_user(request.user, takedown_id)
    case = takedown.case
    form = TakedownUpdateForm(request.POST, takedown=takedown)
    if form.is_valid():
        try:
            services.takedown_update(user=request.user, takedown=takedown, status=form.cleaned_data["status"],
                                     platform_reference=form.cleaned_data["platform_reference"])
        except InputError as err:
            errors_to_form(form, err.errors)
        else:
            return _done(request, case, _("Takedown request No. %(number)d updated.") % {"number": takedown.number},
                         f"takedown-{takedown.pk}")
    return _refused(request, case, update_forms={takedown.pk: form})
