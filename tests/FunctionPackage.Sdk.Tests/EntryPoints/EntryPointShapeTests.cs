using FunctionPackage.Model;
using FunctionPackage.EntryPoints;
using Xunit;

namespace FunctionPackage.Sdk.Tests.EntryPoints;

public sealed class EntryPointShapeTests
{
    [Fact]
    public void String_form_round_trips_for_every_combination()
    {
        var count = 0;
        foreach (var isStatic in new[] { true, false })
        foreach (var input in Enum.GetValues<EntryPointInputKind>())
        foreach (var cancellation in new[] { true, false })
        foreach (var result in Enum.GetValues<EntryPointResultKind>())
        {
            var shape = new EntryPointShape(isStatic, input, cancellation, result);

            Assert.True(EntryPointShape.TryParse(shape.ToString(), out var parsed), shape.ToString());
            Assert.Equal(shape, parsed);
            count++;
        }
        Assert.Equal(2 * 5 * 2 * 6, count);
    }

    [Theory]
    [InlineData(true, EntryPointInputKind.CloudEvent, false, EntryPointResultKind.ValueTaskOfT, "static;input=cloudevent;cancellation=false;result=valueTaskOfT")]
    [InlineData(false, EntryPointInputKind.None, true, EntryPointResultKind.Void, "instance;input=none;cancellation=true;result=void")]
    [InlineData(true, EntryPointInputKind.Poco, true, EntryPointResultKind.TaskOfT, "static;input=poco;cancellation=true;result=taskOfT")]
    public void String_form_is_the_documented_one(bool isStatic, EntryPointInputKind input, bool cancellation, EntryPointResultKind result, string expected)
    {
        Assert.Equal(expected, new EntryPointShape(isStatic, input, cancellation, result).ToString());
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("static;input=poco;cancellation=true")]
    [InlineData("Static;input=poco;cancellation=true;result=task")]
    [InlineData("static;input=Poco;cancellation=true;result=task")]
    [InlineData("static;input=poco;cancellation=yes;result=task")]
    [InlineData("static;input=poco;cancellation=true;result=TaskOfT")]
    [InlineData("static;result=task;cancellation=true;input=poco")]
    [InlineData("static;input=poco;cancellation=true;result=task;extra=1")]
    public void Malformed_string_forms_are_rejected(string? text)
    {
        Assert.False(EntryPointShape.TryParse(text, out var shape));
        Assert.Null(shape);
    }
}
