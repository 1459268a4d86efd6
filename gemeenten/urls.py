"""The public URLs: a contract (permalinks end up in council memos), keep them stable."""

from django.urls import path

from . import api, export, kaart, kaartbeeld, verschil_views, views

app_name = "gemeenten"

urlpatterns = [
    # Pages
    path("", views.HomeView.as_view(), name="home"),
    path("gemeenten/", views.GemeentenView.as_view(), name="gemeenten"),
    path("gemeenten/<slug:slug>/", views.GemeenteView.as_view(), name="gemeente"),
    path("samenwerkingen/", views.SamenwerkingenView.as_view(), name="samenwerkingen"),
    path("samenwerkingen/<slug:slug>/", views.SamenwerkingView.as_view(), name="samenwerking"),
    path("zoeken/", views.ZoekenView.as_view(), name="zoeken"),
    path("over/", views.OverView.as_view(), name="over"),
    # CSV twins (same query string as the page)
    path("gemeenten.csv", export.GemeentenCsvView.as_view(), name="gemeenten_csv"),
    path("gemeenten/<slug:slug>.csv", export.GemeenteCsvView.as_view(), name="gemeente_csv"),
    path("samenwerkingen.csv", export.SamenwerkingenCsvView.as_view(), name="samenwerkingen_csv"),
    # JSON API
    path("api/", views.ApiView.as_view(), name="api"),
    path("api/openapi.yaml", views.OpenApiView.as_view(), name="openapi"),
    path("api/samenwerkingen.json", api.SamenwerkingenApiView.as_view(), name="api_samenwerkingen"),
    path(
        "api/samenwerkingen/<slug:slug>.json",
        api.SamenwerkingApiView.as_view(),
        name="api_samenwerking",
    ),
    path("api/zoeken.json", api.ZoekenApiView.as_view(), name="api_zoeken"),
    # Map
    path("kaart/", kaart.KaartView.as_view(), name="kaart"),
    path("kaart.svg", kaartbeeld.KaartbeeldView.as_view(formaat="svg"), name="kaart_svg"),
    path("kaart.png", kaartbeeld.KaartbeeldView.as_view(formaat="png"), name="kaart_png"),
    path("kaart/paren.csv", export.KaartParenCsvView.as_view(), name="kaart_paren_csv"),
    path(
        "api/gemeenten.geojson",
        kaart.GemeentenGeoJSONView.as_view(),
        name="gemeenten_geojson",
    ),
]

# What changed between two snapshots (?van=2016&tot=2026), with CSV twins.
urlpatterns += [
    path("veranderingen/", verschil_views.VeranderingenView.as_view(), name="veranderingen"),
    path(
        "veranderingen.csv",
        verschil_views.VeranderingenCsvView.as_view(),
        name="veranderingen_csv",
    ),
    path(
        "gemeenten/<slug:slug>/veranderingen/",
        verschil_views.GemeenteVeranderingenView.as_view(),
        name="gemeente_veranderingen",
    ),
    path(
        "gemeenten/<slug:slug>/veranderingen.csv",
        verschil_views.GemeenteVeranderingenCsvView.as_view(),
        name="gemeente_veranderingen_csv",
    ),
    path(
        "samenwerkingen/<slug:slug>/veranderingen/",
        verschil_views.SamenwerkingVeranderingenView.as_view(),
        name="samenwerking_veranderingen",
    ),
]
