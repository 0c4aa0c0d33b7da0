from django.urls import path

from tipline.api import TipCloseApi, TipDetailApi, TipListApi, TipReplyApi

urlpatterns = [
    path("tips/", TipListApi.as_view(), name="api-tip-list"),
    path("tips/<uuid:tip_id>/", TipDetailApi.as_view(), name="api-tip-detail"),
    path("tips/<uuid:tip_id>/reply/", TipReplyApi.as_view(), name="api-tip-reply"),
    path("tips/<uuid:tip_id>/close/", TipCloseApi.as_view(), name="api-tip-close"),
]
