"""REST API for documents and takedown requests (DRF, thin).

A case is fetched through ``case_get_for_user``: a case the user may not see is a
404, exactly like one that does not exist. Titles, descriptions and content
addresses (personal data) appear only to readers with the identity permission;
file contents need it too, and every download is recorded.
"""

from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_field
from rest_framework import serializers, status
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.response import Response
from rest_framework.views import APIView

from cases import permissions
from cases.api import BAD_INPUT, NOT_FOUND
from cases.selectors import case_get_for_user
from config import limits
from config.errors import InputError
from config.fields import StrictCharField
from evidence import selectors, services
from evidence.models import AttachedTo, Document, Platform, TakedownRequest, TakedownStatus
from evidence.storage import EXTENSIONS
from evidence.views import document_response

GONE = OpenApiResponse(description="The document was removed; its record and custody log remain.")


def _choice_field(choices_class, component_name: str):
    """A choice field named in the schema: "status" and the like have other choice sets elsewhere."""
    @extend_schema_field({"type": "string", "enum": list(choices_class.values)}, component_name=component_name)
    class _Field(serializers.ChoiceField):
        def __init__(self, **kwargs):
            super().__init__(choices_class.choices, **kwargs)

    _Field.__name__ = f"{choices_class.__name__}Field"
    return _Field


AttachedToField = _choice_field(AttachedTo, "DocumentAttachedToEnum")
PlatformField = _choice_field(Platform, "TakedownPlatformEnum")
TakedownStatusField = _choice_field(TakedownStatus, "TakedownStatusEnum")


class DocumentSerializer(serializers.ModelSerializer):
    case = serializers.UUIDField(source="case_id")
    title = serializers.SerializerMethodField(help_text="Only for readers who may see identities (else null).")
    description = serializers.SerializerMethodField(help_text="Only for readers who may see identities.")
    uploaded_by = serializers.IntegerField(source="uploaded_by_id", allow_null=True,
                                           help_text="Null for a file sent with an anonymous report.")
    agency = serializers.IntegerField(source="agency_id", allow_null=True, help_text="The uploading agency.")
    removed_by = serializers.IntegerField(source="removed_by_id", allow_null=True)
    sha256 = serializers.CharField(help_text="SHA-256 of the stored file (after metadata was stripped).")
    received_sha256 = serializers.CharField(help_text="SHA-256 of the file as it was received.")
    attached_to = AttachedToField()

    class Meta:
        model = Document
        fields = ["id", "case", "number", "attached_to", "attached_id", "title", "description", "content_type",
                  "size", "sha256", "received_size", "received_sha256", "metadata_stripped", "uploaded_by",
                  "agency", "uploaded_at", "removed_at", "removed_by"]

    def _identity(self) -> bool:
        return self.context.get("with_identity", False)

    def get_title(self, document) -> str | None:
        return document.title if self._identity() else None

    def get_description(self, document) -> str | None:
        return document.description if self._identity() else None


class DocumentUploadSerializer(serializers.Serializer):
    # Empty files pass here so that the service reports them with its message.
    file = serializers.FileField(allow_empty_file=True, help_text="JPEG, PNG, PDF or plain text; see the limits.")
    title = serializers.CharField(required=False, allow_blank=True, default="", max_length=services.TITLE_MAX_LENGTH)
    description = serializers.CharField(required=False, allow_blank=True, default="",
                                        max_length=limits.FREE_TEXT_MAX_LENGTH)
    attached_to = AttachedToField(default=AttachedTo.CASE)
    attached_id = serializers.CharField(required=False, allow_blank=True, default="", max_length=64,
                                        help_text="The notice's or meeting's id (or the action's) of this case.")


class RemoveSerializer(serializers.Serializer):
    reason = StrictCharField(allow_blank=True, max_length=limits.FREE_TEXT_MAX_LENGTH)


class CaseDocumentsApi(APIView):
    parser_classes = [MultiPartParser, FormParser]

    @extend_schema(responses={200: DocumentSerializer(many=True), 404: NOT_FOUND},
                   description="The case's documents (removed ones too, with who removed them when).")
    def get(self, request, case_id):
        case = case_get_for_user(request.user, case_id)
        with_identity = permissions.has_case_perm(request.user, permissions.VIEW_IDENTITY, case)
        return Response(DocumentSerializer(selectors.case_documents(case), many=True,
                                           context={"with_identity": with_identity}).data)

    @extend_schema(request=DocumentUploadSerializer, responses={201: DocumentSerializer, 400: BAD_INPUT,
                                                                404: NOT_FOUND},
                   description=("Attach a file (multipart). Its type is read from its bytes; images are re-encoded "
                                "without their metadata (EXIF, GPS); the file is encrypted before it is stored. "
                                "For the case's school team and the agencies it is shared with."))
    def post(self, request, case_id):
        case, _agency = selectors.case_get_for_documents(request.user, case_id)
        serializer = DocumentUploadSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        upload = data["file"]
        document = services.document_upload(
            user=request.user, case=case, data=upload.read(), title=data["title"], description=data["description"],
            original_name=upload.name or "", attached_to=data["attached_to"], attached_id=data["attached_id"])
        return Response(DocumentSerializer(document, context={"with_identity": True}).data,
                        status=status.HTTP_201_CREATED)


class DocumentContentApi(APIView):
    # The file's own type: one of those an upload may have (evidence.storage).
    @extend_schema(responses={**{(200, content_type): OpenApiTypes.BINARY for content_type in EXTENSIONS},
                              404: NOT_FOUND, 410: GONE},
                   description="The file, decrypted, as an attachment. Needs the identity permission; recorded.")
    def get(self, request, document_id):
        document = selectors.document_get_for_user(request.user, document_id, perm=permissions.VIEW_IDENTITY)
        try:
            data = services.document_content(user=request.user, document=document, channel="api")
        except InputError:
            return Response({"detail": _("This document was removed.")}, status=status.HTTP_410_GONE)
        return document_response(data, document)


class DocumentRemoveApi(APIView):
    @extend_schema(request=RemoveSerializer, responses={200: DocumentSerializer, 400: BAD_INPUT, 404: NOT_FOUND},
                   description="Remove a document, with a reason: the uploading agency only. The record stays.")
    def post(self, request, document_id):
        document = selectors.document_get_for_user(request.user, document_id)
        serializer = RemoveSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        document = services.document_remove(user=request.user, document=document,
                                            reason=serializer.validated_data["reason"])
        return Response(DocumentSerializer(document, context={"with_identity": True}).data)


# --- Takedown requests -------------------------------------------------------------------------


class TakedownStepSerializer(serializers.Serializer):
    status = TakedownStatusField()
    at = serializers.DateTimeField()
    by = serializers.IntegerField(source="by_id")


class TakedownSerializer(serializers.ModelSerializer):
    case = serializers.UUIDField(source="case_id")
    content_url = serializers.SerializerMethodField(help_text="Only for readers who may see identities.")
    requested_by = serializers.IntegerField(source="requested_by_id")
    agency = serializers.IntegerField(source="agency_id")
    platform = PlatformField()
    status = TakedownStatusField()
    history = TakedownStepSerializer(many=True, read_only=True)

    class Meta:
        model = TakedownRequest
        fields = ["id", "case", "number", "platform", "content_url", "platform_reference", "requested_at",
                  "requested_by", "agency", "status", "status_at", "history"]

    def get_content_url(self, takedown) -> str | None:
        return takedown.content_url if self.context.get("with_identity") else None


class TakedownCreateSerializer(serializers.Serializer):
    platform = PlatformField()
    # Blank passes here so that the service reports it with its message.
    content_url = serializers.CharField(allow_blank=True, max_length=services.URL_MAX_LENGTH)
    platform_reference = serializers.CharField(required=False, allow_blank=True, default="", max_length=100)
    requested_at = serializers.DateTimeField(required=False, allow_null=True, default=None,
                                             help_text="Defaults to now.")


class TakedownUpdateSerializer(serializers.Serializer):
    status = TakedownStatusField()
    platform_reference = serializers.CharField(required=False, allow_blank=True, allow_null=True, default=None,
                                               max_length=100, help_text="Left as it is when omitted.")
    at = serializers.DateTimeField(required=False, allow_null=True, default=None, help_text="Defaults to now.")


class CaseTakedownsApi(APIView):
    @extend_schema(responses={200: TakedownSerializer(many=True), 404: NOT_FOUND},
                   description="The case's takedown requests to online platforms, with their history.")
    def get(self, request, case_id):
        case = case_get_for_user(request.user, case_id)
        with_identity = permissions.has_case_perm(request.user, permissions.VIEW_IDENTITY, case)
        return Response(TakedownSerializer(selectors.case_takedowns(case), many=True,
                                           context={"with_identity": with_identity}).data)

    @extend_schema(request=TakedownCreateSerializer, responses={201: TakedownSerializer, 400: BAD_INPUT,
                                                                404: NOT_FOUND},
                   description="Record that your agency asked a platform to take content down.")
    def post(self, request, case_id):
        case, _agency = selectors.case_get_for_documents(request.user, case_id)
        serializer = TakedownCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        takedown = services.takedown_request(user=request.user, case=case, **serializer.validated_data)
        return Response(TakedownSerializer(takedown, context={"with_identity": True}).data,
                        status=status.HTTP_201_CREATED)


class TakedownDetailApi(APIView):
    @extend_schema(responses={200: TakedownSerializer, 404: NOT_FOUND})
    def get(self, request, takedown_id):
        takedown = selectors.takedown_get_for_user(request.user, takedown_id)
        with_identity = permissions.has_case_perm(request.user, permissions.VIEW_IDENTITY, takedown.case)
        return Response(TakedownSerializer(takedown, context={"with_identity": with_identity}).data)

    @extend_schema(request=TakedownUpdateSerializer, responses={200: TakedownSerializer, 400: BAD_INPUT,
                                                                404: NOT_FOUND},
                   description="Move the request on (acknowledged, removed, refused): the requesting agency only.")
    def patch(self, request, takedown_id):
        takedown = selectors.takedown_get_for_user(request.user, takedown_id)
        serializer = TakedownUpdateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        takedown = services.takedown_update(user=request.user, takedown=takedown, **serializer.validated_data)
        return Response(TakedownSerializer(takedown, context={"with_identity": True}).data)
