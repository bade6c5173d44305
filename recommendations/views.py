"""Recommendation and route endpoints: thin views around one selector or service call each."""

from drf_spectacular.utils import extend_schema
from rest_framework.authentication import SessionAuthentication, TokenAuthentication
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from emotions.authentication import IsVisitor, VisitorTokenAuthentication, request_visitor
from recommendations import selectors, services
from recommendations.serializers import (
    RecommendationListOutputSerializer,
    RecommendationQuerySerializer,
    RouteInputSerializer,
    RouteOutputSerializer,
)


class VisitorAPIView(APIView):
    """Base for endpoints of the authenticated visitor (`Authorization: Token mgv_...`)."""

    authentication_classes = [VisitorTokenAuthentication, TokenAuthentication, SessionAuthentication]
    permission_classes = [IsVisitor]


class RecommendationsView(VisitorAPIView):
    """GET /recommendations/: the next exhibits most likely to show the expressions the visitor wishes for."""

    @extend_schema(parameters=[RecommendationQuerySerializer], responses=RecommendationListOutputSerializer)
    def get(self, request: Request) -> Response:
        query = RecommendationQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        items = selectors.recommendations_for(visitor=request_visitor(request), **query.validated_data)
        return Response(RecommendationListOutputSerializer({"results": items}).data)


class RoutesView(VisitorAPIView):
    """POST /routes/: the most rewarding route through the venue that fits the visitor's time."""

    @extend_schema(request=RouteInputSerializer, responses=RouteOutputSerializer)
    def post(self, request: Request) -> Response:
        data = RouteInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        route = services.route_plan(visitor=request_visitor(request), **data.validated_data)
        return Response(RouteOutputSerializer(route).data)
