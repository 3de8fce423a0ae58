"""The panel's HTTP routes (000 "HTTP ENDPOINTS"; /api/stream is a consumer, see routing.py)."""
from django.urls import path

from dashboard import report_views, views

urlpatterns = [
    path("dashboard", views.dashboard_page, name="dashboard"),
    path("api/dashboard", views.api_dashboard, name="api-dashboard"),
    path("api/orders", views.api_orders, name="api-orders"),
    path("health", views.health, name="health"),
    path("reports/", report_views.report_list, name="reports"),
    path("reports/<str:day>/", report_views.report_day, name="report-day"),
]
